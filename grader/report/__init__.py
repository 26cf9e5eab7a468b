"""Writers: each turns a Report into one output format and decides nothing.

A writer is a module with `render(report, lang) -> str | renderable`; FORMATS maps a --format
name to its module.
"""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

FORMATS = {"rich": "rich_report", "json": "json_report", "junit": "junit"}


def preload(fmt: str, lang: str, plot: bool = False, live: bool = False) -> None:
    """Import what will render this run's verdicts before any student code runs: that is then
    the code that was on disk before student code ran, whatever happened to the disk meanwhile.
    Only what this run uses (its format's writer, the GitHub writer under Actions, the plots, the
    live bar, its language's catalog): `grader grade` starts one check per submission, and rich
    alone is a few hundredths of a second of each when the format is JSON."""
    import os
    names = [FORMATS[fmt]] + (["json_report"] if fmt == "junit" else [])
    if os.environ.get("GITHUB_STEP_SUMMARY") or os.environ.get("GITHUB_ACTIONS") == "true":
        names.append("github")
    if live:
        names.append("live")
    for name in names:
        importlib.import_module(f"grader.report.{name}")
    if plot:
        importlib.import_module("grader.plots")
        importlib.import_module("grader.graph.svg")
    from grader import i18n
    i18n.preload(lang)
    if fmt == "rich" or live:
        importlib.import_module("rich.console")


def write_report(report, fmt: str, output: str | None, lang: str) -> None:
    """Raises OSError when the output cannot be written."""
    if fmt == "rich":
        from rich.console import Console
        from grader.report import rich_report
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                Console(file=fh, width=100, no_color=True).print(rich_report.render(report, lang))
        else:
            Console().print(rich_report.render(report, lang))
        return
    module = importlib.import_module(f"grader.report.{FORMATS[fmt]}")
    rendered = module.render(report, lang)
    if output:
        Path(output).write_text(rendered + "\n", encoding="utf-8")
    else:
        _write_utf8(rendered + "\n")


def _write_utf8(text: str) -> None:
    """JSON and JUnit XML are UTF-8 (the XML says so), whatever the console's encoding."""
    from grader.report.console import is_unicode
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None or is_unicode(getattr(sys.stdout, "encoding", None)):
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()

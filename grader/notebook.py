"""The notebook entry point: `from grader import check; check("path")` renders in Jupyter and Colab."""
from __future__ import annotations

from pathlib import Path

from grader.results import Report


class NotebookReport:
    """A Report that draws itself as the rich report in a notebook cell."""

    def __init__(self, report: Report, lang: str):
        self.report = report
        self.lang = lang

    def __getattr__(self, name):
        return getattr(self.report, name)

    def __rich__(self):
        from grader.report import rich_report
        # A notebook cell has room: passing exercises' graphs are drawn in full too.
        return rich_report.render(self.report, self.lang, passed_graphs="full")

    def _repr_mimebundle_(self, include=None, exclude=None):
        from rich.console import Console
        console = Console(record=True, width=110, force_jupyter=False, file=_Null())
        console.print(self.__rich__())
        text = console.export_text(clear=False)
        html = console.export_html(inline_styles=True, code_format=_HTML)
        return {"text/plain": text, "text/html": html}

    def __repr__(self) -> str:
        return f"<grader report {self.report.score:g}/{self.report.max_score:g} for {self.report.submission}>"


# A fragment, not a whole page: notebook cells embed it.
_HTML = ('<pre style="font-family:Menlo,\'DejaVu Sans Mono\',consolas,monospace;line-height:1.25;'
         'white-space:pre">{code}</pre>')


class _Null:
    def write(self, _):
        return 0

    def flush(self):
        pass


def check(path="exercises", *exercises, lang: str | None = None, seed: int = 0) -> NotebookReport:
    from grader import catalog
    from grader.checks.context import Settings
    from grader.messages import choose_language, say
    from grader.runner import SubmissionError, run
    lang = choose_language(lang)
    ids = []
    for name in exercises:
        found = catalog.find(name)
        if found is None:
            raise ValueError(say("err.unknown_exercise", lang, name=name, exercises=", ".join(catalog.ORDER)))
        ids.append(found.id)
    from grader.config import load
    try:
        files = load(None, Path(path)).files   # a course's own layout ([tool.grader.files])
        report = run(Path(path), ids or None, Settings(seed=seed), files=files)
    except SubmissionError as exc:
        exc.lang = lang  # the cell shows the message in the language asked for
        raise
    return NotebookReport(report, lang)

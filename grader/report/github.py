"""GitHub Actions: a Markdown summary in $GITHUB_STEP_SUMMARY and `::error` annotations.

Both are written only when GitHub Actions is running the grader (the variables below are set),
next to whatever --format was asked for.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from grader.messages import FILE_LEVEL, say, text
from grader.results import Report, State

ICONS = {State.PASSED: "✅", State.FAILED: "❌", State.ERROR: "💥", State.TIMEOUT: "⏱️",
         State.NOT_STARTED: "⬜", State.SKIPPED: "↷"}


def summary_markdown(report: Report, lang: str) -> str:
    lines = [f"### backprop-grader: {report.score:g} / {report.max_score:g}", "",
             f"| {say('ui.exercise', lang)} | {say('ui.state', lang)} | {say('ui.points', lang)} | {say('ui.detail', lang)} |",
             "|---|---|---|---|"]
    for exercise in report.exercises:
        problem = exercise.first_problem
        detail = "" if problem is None else f"{problem.check}: {text(problem.message, lang)}"
        if problem is not None and problem.diagnosis is not None:
            detail += f" — {text(problem.diagnosis, lang)}"
        state = f"{ICONS[exercise.state]} {say('state.' + exercise.state.value, lang)}"
        lines.append(f"| `{exercise.exercise}` | {state} | {exercise.score:g} / {exercise.max_score:g} | "
                     f"{_cell(detail)} |")
    lines += ["", f"seed {report.seed}, {report.duration:.1f} s", ""]
    if report.sandbox is not None:
        lines += [say("ui.sandbox", lang, summary=report.sandbox["summary"]), ""]
    return "\n".join(lines)


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def annotations(report: Report, lang: str, workspace: Path) -> list[str]:
    """One `::error` per failing check whose failure points at a line of the student's code."""
    out = []
    for exercise in report.exercises:
        for check in exercise.checks:
            if check.state in (State.PASSED, State.SKIPPED, State.NOT_STARTED) or not check.location:
                continue
            where = check.location[-1]
            path = Path(report.submission) / where.file
            try:
                shown = path.resolve().relative_to(workspace.resolve())
            except ValueError:
                shown = path
            if check.message is not None and check.message.key in FILE_LEVEL:
                message = text(check.message, lang)   # a file that cannot be imported: once
            else:
                message = f"{exercise.exercise}.{check.check}: {text(check.message, lang)}"
            if check.exception:
                message += f" ({check.exception})"
            line = (f"::error file={_property(str(shown))},line={where.line},"
                    f"title={_property(exercise.exercise)}::{_data(message)}")
            if check.message is None or check.message.key not in FILE_LEVEL or \
                    not any(seen.endswith(f"::{_data(message)}") for seen in out):
                out.append(line)
    return out


def _data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(value: str) -> str:
    return _data(value).replace(":", "%3A").replace(",", "%2C")


def publish(report: Report, lang: str, to_stdout: bool = True) -> None:
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        try:
            with open(summary, "a", encoding="utf-8") as fh:
                fh.write(summary_markdown(report, lang) + "\n")
        except OSError as exc:
            print(f"grader: {say('ui.summary_not_written', lang, path=summary, reason=exc.strerror or exc)}",
                  file=sys.stderr)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        workspace = Path(os.environ.get("GITHUB_WORKSPACE") or Path.cwd())
        stream = sys.stdout if to_stdout else sys.stderr
        for line in annotations(report, lang, workspace):
            print(line, file=stream)

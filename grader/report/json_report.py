"""Gradescope's results.json: one test per check, scores summed at the top."""
from __future__ import annotations

import json
import math
import numbers

from grader.catalog import is_extra
from grader.messages import say, text
from grader.results import CheckResult, Report, State


def check_output(check: CheckResult, lang: str, student_output: str = "") -> str:
    """The plain-text explanation of one check, as Gradescope and JUnit show it."""
    if check.state is State.PASSED:
        lines = [say("state.passed", lang)]
    else:
        lines = [f"[{say('state.' + check.state.value, lang)}] {text(check.message, lang)}"]
    if check.exception:
        lines.append(check.exception)
    for loc in check.location[-2:]:
        lines.append(f"  {loc.file}:{loc.line} in {loc.function}: {loc.code}")
    if check.comparison is not None:
        c = check.comparison
        lines.append(f"  {c.quantity} {say('ui.expected', lang)}: {c.expected}")
        lines.append(f"  {c.quantity} {say('ui.got', lang)}: {c.got}")
        if c.where:
            lines.append(f"  {say('ui.worst', lang)} {c.where}")
    if check.diagnosis is not None:
        lines.append("-> " + text(check.diagnosis, lang))
    if check.note is not None:
        lines.append(f"({text(check.note, lang)})")
    if student_output.strip():
        lines.append(f"--- {say('ui.output', lang)} ---")
        lines.append(student_output.rstrip())
    return "\n".join(lines)


def _diagnosis_data(check: CheckResult) -> dict:
    """The diagnosis as data for tools ({"diagnosis": {"key", "params"}}), its text being in
    `output`; a NaN or inf is written as the word, which every JSON reader accepts."""
    if check.diagnosis is None:
        return {}
    params = {k: _json_value(v) for k, v in check.diagnosis.params.items()}
    return {"diagnosis": {"key": check.diagnosis.key, "params": params}}


def _json_value(value):
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if math.isfinite(number) else str(number)
    return str(value)


def printed_by(exercise, lang: str) -> str:
    """What the student's code printed for this exercise, import-time prints under their file."""
    if not exercise.import_output.strip():
        return exercise.output
    head = f"[{say('ui.import_output', lang, file=exercise.file)}]\n{exercise.import_output.rstrip()}\n"
    return head + exercise.output



def to_dict(report: Report, lang: str = "en") -> dict:
    tests = []
    for exercise in report.exercises:
        for i, check in enumerate(exercise.checks):
            tests.append({
                "name": f"{exercise.exercise}: {check.check}",
                "score": check.score,
                "max_score": check.max_score,
                "status": "passed" if check.state is State.PASSED else "failed",
                "output": check_output(check, lang, printed_by(exercise, lang) if i == 0 else ""),
                "output_format": "text",
                "visibility": "visible",
                "extra_data": {"exercise": exercise.exercise, "check": check.check,
                               "state": check.state.value, "file": exercise.file,
                               **({"extra": True} if is_extra(exercise.exercise) else {}),
                               # the numbers on a computational graph (grader.graph.values)
                               **({"graph": check.extra["graph"]} if "graph" in check.extra else {}),
                               **_diagnosis_data(check)},
            })
    layout = report.layout
    extra = {"layout": {"kind": layout["kind"], "files": dict(layout["files"]),
                        "buy_apple_orange": layout["buy_apple_orange"],
                        "notes": [text(n, lang) for n in layout["notes"]]}} if layout else {}
    notes = "".join(f"\n{text(n, lang)}" for n in layout.get("notes", ())) if layout else ""
    return {
        "score": report.score,
        "max_score": report.max_score,
        "execution_time": int(round(report.duration)),  # Gradescope's examples give whole seconds
        "output": f"seed {report.seed}" + (f"; layout {layout['kind']}" if layout and not layout["plain"] else "")
                  + (f"\n{say('ui.sandbox', lang, summary=report.sandbox['summary'])}" if report.sandbox else "")
                  + notes,
        "output_format": "text",
        "visibility": "visible",
        "tests": tests,
        # Gradescope ignores keys it does not know; our own tools read what the worker was under.
        "extra_data": {"sandbox": report.sandbox,
                       "reused": [e.exercise for e in report.exercises if e.reused], **extra},
    }


def render(report: Report, lang: str = "en") -> str:
    return json.dumps(to_dict(report, lang), ensure_ascii=False, indent=2)

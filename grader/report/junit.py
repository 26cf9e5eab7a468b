"""JUnit XML: a <testsuite> per exercise, a <testcase> per check; GitLab, Jenkins and GitHub
test reporters read it."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from grader.messages import say, text
from grader.catalog import is_extra
from grader.report.json_report import check_output, printed_by
from grader.results import Report, State


def render(report: Report, lang: str = "en") -> str:
    suites = ET.Element("testsuites", name="backprop-grader", tests=str(len(report.checks)),
                        time=f"{report.duration:.3f}")
    if report.sandbox is not None:
        ET.SubElement(ET.SubElement(suites, "properties"), "property", name="sandbox",
                      value=report.sandbox["summary"])
    for exercise in report.exercises:
        counts = {state: sum(c.state is state for c in exercise.checks) for state in State}
        suite = ET.SubElement(
            suites, "testsuite", name=exercise.exercise, tests=str(len(exercise.checks)),
            failures=str(counts[State.FAILED] + counts[State.NOT_STARTED]),
            errors=str(counts[State.ERROR] + counts[State.TIMEOUT]),
            skipped=str(counts[State.SKIPPED]),
            time=f"{exercise.duration:.3f}")
        if is_extra(exercise.exercise):
            # Outside the default points: a course's CI can tell the extras' suites apart.
            ET.SubElement(ET.SubElement(suite, "properties"), "property", name="extra", value="true")
        for i, check in enumerate(exercise.checks):
            case = ET.SubElement(suite, "testcase", name=check.check, classname=exercise.exercise,
                                 file=exercise.file, time=f"{check.duration:.3f}")
            body = check_output(check, lang)
            summary = text(check.message, lang)
            if check.state is State.FAILED:
                ET.SubElement(case, "failure", message=summary, type="failed").text = body
            elif check.state is State.NOT_STARTED:
                # Unwritten work is work missing, not a test to leave out: CI must not go green on it.
                ET.SubElement(case, "failure", message=f"{say('state.not_started', lang)}: {summary}",
                              type="not_started").text = body
            elif check.state in (State.ERROR, State.TIMEOUT):
                ET.SubElement(case, "error", message=summary, type=check.state.value).text = body
            elif check.state is State.SKIPPED:
                ET.SubElement(case, "skipped", message=f"{say('state.' + check.state.value, lang)}: {summary}")
            ET.SubElement(case, "properties").extend([
                ET.Element("property", name="score", value=f"{check.score:g}"),
                ET.Element("property", name="max_score", value=f"{check.max_score:g}"),
                ET.Element("property", name="state", value=check.state.value)])
            printed = printed_by(exercise, lang)
            if i == 0 and printed.strip():
                ET.SubElement(case, "system-out").text = printed
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode")

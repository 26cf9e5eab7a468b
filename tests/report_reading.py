"""Reading a results.json the way the hostile-submission and transport tests need it."""
from __future__ import annotations


def states(report: dict) -> dict[str, str]:
    """{exercise: the state of its first check that did not pass, else passed}."""
    found: dict[str, str] = {}
    for test in report["tests"]:
        exercise, state = test["extra_data"]["exercise"], test["extra_data"]["state"]
        if found.get(exercise, "passed") == "passed":
            found[exercise] = state
    return found


def outputs(report: dict, exercise: str) -> str:
    """Every check's text for one exercise, joined."""
    return "\n".join(t["output"] for t in report["tests"] if t["extra_data"]["exercise"] == exercise)

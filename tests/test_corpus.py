"""The grader proven on submissions: realistic bugs fail at the right place, correct variants pass."""
from __future__ import annotations

import pytest

from grader.checks.context import Settings
from grader.report.json_report import check_output
from grader.results import State
from grader.runner import run
from tests.conftest import mutate
from tests.corpus.bugs import BUGS
from tests.corpus.variants import VARIANTS

# A numerical gradient on the full network is reported as too slow after this long.
FAST = Settings(slow_gradient_seconds=3.0)


def exercise_text(report, exercise_id: str) -> str:
    exercise = next(e for e in report.exercises if e.exercise == exercise_id)
    return "\n".join(f"{c.check}: " + check_output(c, "en") for c in exercise.checks)


def state_of(report, exercise_id: str) -> State:
    return next(e for e in report.exercises if e.exercise == exercise_id).state


def test_the_corpus_is_big_enough():
    assert len(BUGS) >= 30 and len(VARIANTS) >= 8
    assert len({b.id for b in BUGS}) == len(BUGS)


@pytest.mark.parametrize("bug", BUGS, ids=lambda b: b.id)
def test_bug_fails_at_its_exercise(bug, solutions_copy):
    mutate(solutions_copy, bug.file, bug.old, bug.new)
    report = run(solutions_copy, [bug.exercise, *bug.still_pass], FAST)
    assert state_of(report, bug.exercise) in (State.FAILED, State.ERROR), exercise_text(report, bug.exercise)
    said = exercise_text(report, bug.exercise).lower()
    for word in bug.says:
        assert word.lower() in said, f"{word!r} not in:\n{said}"
    for word in bug.not_says:
        assert word.lower() not in said, f"{word!r} said, though untrue here:\n{said}"
    for other in bug.still_pass:
        assert state_of(report, other) is State.PASSED, f"{other} blamed for {bug.id}"


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.id)
def test_correct_variant_passes(variant, solutions_copy):
    for file, old, new in variant.edits:
        mutate(solutions_copy, file, old, new)
    report = run(solutions_copy, list(variant.exercises), FAST)
    for exercise in report.exercises:
        for check in exercise.checks:
            wanted = (State.FAILED, State.ERROR) if check.name in variant.costs else (State.PASSED,)
            assert check.state in wanted, exercise_text(report, exercise.exercise)
    # What the network does without a dependency's failing part is said, never silently skipped.
    built_on = [e for e in report.exercises if e.exercise == "TwoLayerNet"]
    for check in (c for e in built_on for c in e.checks if variant.costs):
        assert check.note is not None and all(c in check.note.params["checks"] for c in variant.costs)


def test_the_readme_counts_the_corpus():
    from tests.conftest import ROOT
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"holds {len(BUGS)} realistic student bugs" in readme
    assert f"and {len(VARIANTS)} correct-but-different answers" in readme

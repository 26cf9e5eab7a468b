"""Why a run failed, from curves written by hand: each explanation appears with its numbers, and
never without the evidence it names."""
from __future__ import annotations

import io
import json
import math

import numpy as np
import pytest
from rich.console import Console

from grader.checks.curve import LN10, diagnose
from grader.messages import text
from grader.report import json_report, rich_report
from grader.results import CheckResult, Comparison, ExerciseResult, Message, Report, State

NAN, INF = math.nan, math.inf
BUDGET, TARGET = 10_000, 0.94


def steps(*values, every=100):
    """[(0, v0), (every, v1), ...]"""
    return [(i * every, v) for i, v in enumerate(values)]


def test_diverged_names_the_step_and_the_last_finite_loss():
    curve = steps(0.1, 0.6, 0.7, 0.0)
    losses = steps(2.30, 1.2, 0.9, NAN)
    message = diagnose(curve, losses, 300, BUDGET, TARGET)
    assert message.key == "diag_diverged"
    assert message.params == {"step": 300, "loss": "nan", "last_step": 200, "last_loss": 0.9}
    assert "at step 300 the loss was nan" in text(message, "en")


def test_an_infinite_loss_is_said_as_inf():
    message = diagnose(steps(0.1, 0.1), steps(2.3, INF), 100, BUDGET, TARGET)
    assert message.key == "diag_diverged" and message.params["loss"] == "inf"


def test_a_huge_finite_loss_is_not_divergence():
    curve = steps(0.1, 0.11, 0.1, 0.12)
    losses = steps(2.3, 1e6, 1e12, 1e30)
    message = diagnose(curve, losses, 300, BUDGET, TARGET)
    assert message.key == "diag_stuck_at_chance"


def test_a_loss_that_was_never_finite_diverged_from_nowhere():
    assert diagnose(steps(0.0, 0.0), steps(NAN, NAN), 100, BUDGET, TARGET) is None


def test_stuck_at_chance_gives_accuracy_and_loss_against_guessing():
    curve = steps(*[0.098 + 0.01 * (i % 2) for i in range(21)])
    losses = steps(*[2.302 + 0.001 * (i % 3) for i in range(21)])
    message = diagnose(curve, losses, 2000, BUDGET, TARGET)
    assert message.key == "diag_stuck_at_chance"
    assert message.params["steps"] == 2000 and message.params["accuracy"] == curve[-1][1]
    assert message.params["loss"] == losses[-1][1] and message.params["ln10"] == pytest.approx(LN10)
    said = text(message, "en")
    assert "after 2000 steps" in said and "ln 10 = 2.303" in said and "0.1" in said


def test_once_above_chance_is_not_stuck():
    curve = steps(0.1, 0.15, 0.25, 0.19, 0.18)
    message = diagnose(curve, steps(2.3, 2.2, 2.0, 2.1, 2.1), 400, BUDGET, TARGET)
    assert message.key != "diag_stuck_at_chance"


def test_a_run_that_fell_back_says_from_where():
    curve = steps(0.1, 0.8, 0.9, 0.5, 0.3)
    message = diagnose(curve, steps(2.3, 0.6, 0.4, 1.5, 2.0), 400, BUDGET, TARGET)
    assert message.key == "diag_fell_back"
    assert message.params == {"best": 0.9, "best_step": 200, "accuracy": 0.3, "steps": 400}


def test_too_slow_for_the_budget_says_how_far_it_got():
    accuracies = np.linspace(0.1, 0.9, 101)
    curve = steps(*accuracies)
    losses = steps(*np.linspace(2.3, 0.4, 101))
    message = diagnose(curve, losses, BUDGET, BUDGET, TARGET)
    assert message.key == "diag_too_slow"
    p = message.params
    assert p["start"] == 0.1 and p["accuracy"] == pytest.approx(0.9) and p["steps"] == BUDGET
    assert p["middle_step"] == 5000 and p["middle"] == pytest.approx(0.5) and p["target"] == TARGET
    said = text(message, "en")
    assert "from 0.100 to 0.500 in the first 5000 steps" in said and "0.900 at the budget of 10000" in said


def test_a_run_stopped_early_while_rising_says_so():
    curve = steps(*np.linspace(0.1, 0.25, 21))
    message = diagnose(curve, steps(*np.linspace(2.3, 2.1, 21)), 2000, BUDGET, TARGET)
    assert message.key == "diag_too_slow_stopped" and message.params["budget"] == BUDGET
    assert message.params["steps"] == 2000


@pytest.mark.parametrize("curve, losses, why", [
    (steps(0.1, 0.93), steps(2.3, 0.3), "two points: no rate to speak of"),
    (steps(0.5, 0.5, 0.5, 0.5), steps(1.5, 1.5, 1.5, 1.5), "never rose"),
    (steps(0.1, 0.9, 0.95), steps(2.3, 0.3, 0.2), "reached the target"),
    ([], [], "nothing measured"),
])
def test_no_explanation_without_its_evidence(curve, losses, why):
    assert diagnose(curve, losses, curve[-1][0] if curve else 0, BUDGET, TARGET) is None, why


@pytest.mark.parametrize("seed", range(200))
def test_every_explanation_rests_on_its_numbers(seed):
    """Random curves: whatever is said, the numbers it names are there."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 30))
    curve = steps(*rng.uniform(0, 1, n) * rng.choice([0.2, 1.0]))
    losses = steps(*np.where(rng.uniform(size=n) < 0.05, NAN, rng.uniform(0, 5, n)))
    end = curve[-1][0]
    message = diagnose(curve, losses, end, int(rng.choice([end, end + 100])), TARGET)
    values = [v for _, v in losses]
    accuracies = [a for _, a in curve]
    if message is None:
        return
    if message.key == "diag_diverged":
        first = next(i for i, v in enumerate(values) if not math.isfinite(v))
        assert first > 0 and losses[first][0] == message.params["step"]
    else:
        assert all(math.isfinite(v) for v in values)
    if message.key == "diag_stuck_at_chance":
        assert max(accuracies) < 0.2
    if message.key == "diag_fell_back":
        assert message.params["accuracy"] < message.params["best"] - 0.02
    if message.key in ("diag_too_slow", "diag_too_slow_stopped"):
        assert accuracies[-1] > accuracies[0] and accuracies[-1] < TARGET and len(curve) >= 3


def _failed_run(diagnosis: Message) -> Report:
    check = CheckResult(
        "train_neuralnet", "accuracy", State.FAILED, 18,
        Message("accuracy_too_low", {"accuracy": 0.0, "target": TARGET, "iterations": 300}),
        Comparison("test accuracy", ">= 0.940", "0.0000"), diagnosis,
        extra={"curve": steps(0.1, 0.6, 0.7, 0.0), "losses": steps(2.30, 1.2, 0.9, NAN),
               "loss_images": 2000, "iterations": 300, "test_accuracy": 0.0, "target": TARGET})
    exercise = ExerciseResult("train_neuralnet", "two_layer_net.py", (check,))
    return Report("/course/bob", (exercise,), seed=0, duration=1.0, selected_all=False)


def test_the_terminal_report_shows_the_diagnosis_and_the_loss():
    diagnosis = diagnose(steps(0.1, 0.6, 0.7, 0.0), steps(2.30, 1.2, 0.9, NAN), 300, BUDGET, TARGET)
    report = _failed_run(diagnosis)
    for lang, words in (("en", ("diverged: at step 300 the loss was nan", "loss on 2000 test images: 2.300 → nan")),
                        ("ja", ("発散しました: 300 回目で損失が nan", "テストデータ 2000 枚での損失"))):
        console = Console(file=io.StringIO(), width=200, no_color=True, color_system=None)
        console.print(rich_report.render(report, lang))
        shown = console.file.getvalue()
        for word in words:
            assert word in shown, (lang, word)


def test_the_json_output_carries_the_diagnosis_as_text_and_data():
    diagnosis = diagnose(steps(0.1, 0.6, 0.7, 0.0), steps(2.30, 1.2, 0.9, NAN), 300, BUDGET, TARGET)
    data = json.loads(json_report.render(_failed_run(diagnosis), "en"), parse_constant=_not_json)
    (test,) = data["tests"]
    assert "diverged: at step 300 the loss was nan" in test["output"]
    assert test["extra_data"]["diagnosis"] == {"key": "diag_diverged", "params": {
        "step": 300, "loss": "nan", "last_step": 200, "last_loss": 0.9}}
    json.loads(json_report.render(_failed_run(Message("diag_factor", {"factor": NAN})), "en"),
               parse_constant=_not_json)


def _not_json(word: str):
    raise AssertionError(f"{word} is not JSON: Gradescope's reader would refuse the file")

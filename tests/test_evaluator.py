"""The MNIST run's accuracy measurements (checks/training.py _Evaluator): scored in pieces, each
the same as scoring the whole test set at once, and abandoned when the run has ended."""
from __future__ import annotations

import numpy as np
import pytest

from grader.checks import training
from grader.checks.training import STAGES, _Evaluator, _RunEnded
from grader.datasets import training_set_mapped
from grader import reference


@pytest.fixture(scope="module")
def trained() -> dict:
    """A network past the target: 3,000 float64 SGD steps from the book's start."""
    images, labels = training_set_mapped()
    rng = np.random.default_rng(0)
    params = {"W1": 0.01 * rng.standard_normal((784, 50)), "b1": np.zeros(50),
              "W2": 0.01 * rng.standard_normal((50, 10)), "b2": np.zeros(10)}
    for _ in range(3000):
        idx = rng.integers(0, 60000, 100)
        x, t = images[idx] / 255.0, labels[idx]
        hidden = x @ params["W1"] + params["b1"]
        active = np.maximum(hidden, 0)
        y = reference.softmax(active @ params["W2"] + params["b2"])
        dscore = (y - np.eye(10)[t]) / len(t)
        dactive = (dscore @ params["W2"].T) * (hidden > 0)
        grads = {"W1": x.T @ dactive, "b1": dactive.sum(0), "W2": active.T @ dscore, "b2": dscore.sum(0)}
        for key in params:
            params[key] -= 0.1 * grads[key]
    return params


def test_a_measurement_in_pieces_is_the_whole_test_set_scored_at_once(trained):
    evaluator = _Evaluator(0.94)
    try:
        accuracy, whole, loss = evaluator._score(trained)
        at_once, loss_at_once = evaluator.whole(trained)
    finally:
        evaluator.close()
    assert whole and accuracy >= 0.94
    assert accuracy == at_once and loss == pytest.approx(loss_at_once, rel=1e-12)


def test_a_measurement_far_below_the_target_stops_at_the_first_stage(trained):
    evaluator = _Evaluator(0.999)
    try:
        accuracy, whole, _ = evaluator._score(trained)
    finally:
        evaluator.close()
    assert not whole and accuracy < 0.999 - STAGES[0][1]


def test_a_measurement_the_ended_run_no_longer_needs_is_abandoned(trained, monkeypatch):
    evaluator = _Evaluator(0.94)
    scored = []
    real = training._scores

    def scores(params, x):
        scored.append(len(x))
        evaluator.closing.set()   # the run ends while the first piece is scored
        return real(params, x)

    monkeypatch.setattr(training, "_scores", scores)
    try:
        evaluator.test_set.result()
        with pytest.raises(_RunEnded):
            evaluator._score(trained)
    finally:
        evaluator.close()
    assert scored == [STAGES[0][0]]

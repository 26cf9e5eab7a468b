"""The pre-flight of the MNIST run: it stops a network that cannot learn before the run spends its
budget, charges the failure to its cause, and never stops a correct network."""
from __future__ import annotations

import math

import numpy as np
import pytest

from grader.checks import preflight, training
from grader.results import State
from tests.conftest import SOLUTIONS, copy_submission, mutate
from tests.corpus.variants import VARIANTS
from tests.training_support import training_worker

INIT_W1 = '"W1": weight_init_std * np.random.randn(input_size, hidden_size),'
INIT_W2 = '"W2": weight_init_std * np.random.randn(hidden_size, output_size),'
RETURNED = '''        return {
            "W1": self.layers["Affine1"].dW, "b1": self.layers["Affine1"].db,
            "W2": self.layers["Affine2"].dW, "b2": self.layers["Affine2"].db,
        }'''


def _returning(expression: str) -> tuple[str, str]:
    """The solution's gradient, with `expression` of each gradient `g` returned instead."""
    return RETURNED, (RETURNED.replace("return {", "grads = {")
                      + f"\n        return {{key: {expression} for key, g in grads.items()}}")


# (edits to two_layer_net.py, the message, the diagnosis)
CANNOT_LEARN = {
    "init_scale_forgotten": (((INIT_W1, '"W1": np.random.randn(input_size, hidden_size),'),
                              (INIT_W2, '"W2": np.random.randn(hidden_size, output_size),')),
                             "preflight_initial_loss", "diag_large_init"),
    "W1_all_zero": (((INIT_W1, '"W1": np.zeros((input_size, hidden_size)),'),),
                    "preflight_no_overfit", "diag_constant_init"),
    "all_weights_zero": (((INIT_W1, '"W1": np.zeros((input_size, hidden_size)),'),
                          (INIT_W2, '"W2": np.zeros((hidden_size, output_size)),')),
                         "preflight_no_overfit", "diag_constant_init"),
    "gradient_all_zero": ((_returning("np.zeros_like(g)"),), "preflight_gradient_wrong", "diag_all_zero"),
    "gradient_sign_flipped": ((_returning("-g"),), "preflight_gradient_wrong", "diag_factor"),
    "gradient_times_1000": ((_returning("g * 1000"),), "preflight_gradient_wrong", "diag_factor"),
    # The gradient cannot be judged on ReLU's kink (W1 all zero): what is left is what the loss did.
    "gradient_infinite_on_the_kink": (((INIT_W1, '"W1": np.zeros((input_size, hidden_size)),'),
                                       _returning("g * np.inf")),
                                       "preflight_diverged", "diag_constant_init"),
}


@pytest.fixture
def no_run(monkeypatch):
    """Fail the test if the MNIST run itself starts: the pre-flight must have stopped it."""
    def run(*args, **kwargs):
        raise AssertionError("the MNIST run started")
    monkeypatch.setattr(training, "_train", run)


@pytest.fixture
def run_skipped(monkeypatch):
    """The pre-flight alone: the run after it does nothing and is counted."""
    started = []
    monkeypatch.setattr(training, "_train", lambda *args, **kwargs: started.append(True))
    return started


@pytest.mark.parametrize("case", CANNOT_LEARN, ids=str)
def test_the_preflight_stops_a_network_that_cannot_learn(case, tmp_path, no_run):
    edits, key, diagnosis = CANNOT_LEARN[case]
    folder = copy_submission(SOLUTIONS, tmp_path / "submission")
    for old, new in edits:
        mutate(folder, "two_layer_net.py", old, new)
    with training_worker(folder) as train:
        check = train(seed=0)
    assert check.state is State.FAILED, check
    assert check.message.key == key and check.diagnosis is not None and check.diagnosis.key == diagnosis
    said = check.message.params
    if key == "preflight_initial_loss":
        assert said["loss"] > said["high"] and said["expected"] == pytest.approx(math.log(10))
        assert check.location and check.location[0].function == "__init__"
    elif key == "preflight_no_overfit":
        assert said["steps"] == preflight.OVERFIT_STEPS and said["loss"] >= preflight.OVERFIT_LOSS
        assert check.location and check.location[0].function == "__init__"
    elif key == "preflight_diverged":
        assert said["loss"] in ("nan", "inf") and math.isfinite(said["last_loss"])
    if case == "gradient_times_1000":
        assert check.diagnosis.params["factor"] == pytest.approx(1000, rel=1e-3)
    if case == "gradient_sign_flipped":
        assert check.diagnosis.params["factor"] == pytest.approx(-1, rel=1e-3)
    if key == "preflight_gradient_wrong":
        assert check.location and check.location[0].function == "gradient"


def _variant_folder(variant, tmp_path):
    folder = copy_submission(SOLUTIONS, tmp_path / variant.id)
    for file, old, new in variant.edits:
        mutate(folder, file, old, new)
    return folder


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.id)
def test_the_preflight_passes_every_correct_variant(variant, tmp_path, run_skipped):
    with training_worker(_variant_folder(variant, tmp_path)) as train:
        for seed in (0, 1, 2):
            check = train(seed=seed)
            assert check.state is State.PASSED, check
            measured = check.extra["preflight"]
            assert abs(measured["initial_loss"] - math.log(10)) < 0.01
            # Calibrated at most 26 steps; failing at half the allowance would mean the margin went.
            assert measured["overfit_steps"] <= preflight.OVERFIT_STEPS // 2
    assert len(run_skipped) == 3


def test_the_preflight_passes_the_solutions_at_many_seeds(tmp_path, run_skipped):
    with training_worker(copy_submission(SOLUTIONS, tmp_path / "submission")) as train:
        steps = [train(seed=seed).extra["preflight"]["overfit_steps"] for seed in range(10)]
    assert len(run_skipped) == 10 and max(steps) <= preflight.OVERFIT_STEPS // 2


@pytest.mark.parametrize("edits", [
    # Zero output weights: the first layer still learns once W2 moves (measured 18 to 29 steps).
    ((INIT_W2, '"W2": np.zeros((hidden_size, output_size)),'),),
    # He initialisation, chapter 6's advice for ReLU: initial loss up to ln 10 + 0.41.
    ((INIT_W1, '"W1": np.random.randn(input_size, hidden_size) * np.sqrt(2 / input_size),'),
     (INIT_W2, '"W2": np.random.randn(hidden_size, output_size) * np.sqrt(2 / hidden_size),')),
], ids=["W2_all_zero", "he_initialisation"])
def test_other_initialisations_that_learn_pass(edits, tmp_path, run_skipped):
    folder = copy_submission(SOLUTIONS, tmp_path / "submission")
    for old, new in edits:
        mutate(folder, "two_layer_net.py", old, new)
    with training_worker(folder) as train:
        for seed in (0, 1, 2):
            assert train(seed=seed).state is State.PASSED
    assert len(run_skipped) == 3


def test_the_run_starts_as_it_would_without_the_preflight(tmp_path, monkeypatch):
    """Same initial weights, same batches: the pre-flight draws from streams of its own."""
    seen = []

    def record(ctx, evaluator, net, params, *rest):
        seen.append((params["W1"].copy(), ctx.rng.choice(60_000, (3, training.BATCH))))
    monkeypatch.setattr(training, "_train", record)
    with training_worker(copy_submission(SOLUTIONS, tmp_path / "submission")) as train:
        train(seed=4)
        monkeypatch.setattr(preflight, "run", lambda *args, **kwargs: {})
        train(seed=4)
    (weights, batches), (weights_alone, batches_alone) = seen
    assert np.array_equal(weights, weights_alone) and np.array_equal(batches, batches_alone)

"""The MNIST run's spot checks on a correct network: they must never fail, including late in
training, where ReLU's kink sits inside a central difference about once in a hundred checks."""
from __future__ import annotations

import sys

import numpy as np

from grader.checks.network import directional_checks
from grader.datasets import training_set_mapped
from tests.conftest import SOLUTIONS


class _Ctx:
    rng = np.random.default_rng(0)


def test_spot_checks_never_fail_a_correct_gradient(monkeypatch):
    monkeypatch.syspath_prepend(str(SOLUTIONS))
    for name in ("two_layer_net", "layers", "functions"):
        sys.modules.pop(name, None)
    from two_layer_net import TwoLayerNet
    images, labels = training_set_mapped()
    rng = np.random.default_rng(1)
    np.random.seed(0)
    net = TwoLayerNet(784, 50, 10)
    checked = 0
    for step in range(3200):
        idx = rng.integers(0, 60000, 100)
        x, t = images[idx] / 255.0, labels[idx]
        grads = net.gradient(x, np.eye(10)[t])
        if step >= 2000:   # where the failures were seen without the kink guard
            params = {k: net.params[k].copy() for k in ("W1", "b1", "W2", "b2")}
            directional_checks(_Ctx, params, {k: v.copy() for k, v in grads.items()}, x, t,
                               count=1, rng=np.random.default_rng(step))
            checked += 1
        for key in ("W1", "b1", "W2", "b2"):
            net.params[key] -= 0.1 * grads[key]
    assert checked == 1200
    for name in ("two_layer_net", "layers", "functions"):
        sys.modules.pop(name, None)


def test_a_gradient_with_nan_or_inf_fails_and_an_all_zero_one_says_so():
    import pytest

    from grader.compare import CheckFailed
    rng = np.random.default_rng(3)
    params = {"W1": rng.normal(0, 0.05, (784, 50)), "b1": rng.normal(0, 0.1, 50),
              "W2": rng.normal(0, 0.3, (50, 10)), "b2": np.zeros(10)}
    x, labels = rng.uniform(0, 1, (20, 784)), rng.integers(0, 10, 20)
    for bad in (np.nan, np.inf):
        grads = {k: np.zeros_like(v) for k, v in params.items()}
        grads["b2"][3] = bad
        with pytest.raises(CheckFailed):
            directional_checks(_Ctx, params, grads, x, labels, count=2, rng=np.random.default_rng(0))
    with pytest.raises(CheckFailed) as zero:
        directional_checks(_Ctx, params, {k: np.zeros_like(v) for k, v in params.items()}, x, labels,
                           count=1, rng=np.random.default_rng(0))
    assert zero.value.diagnosis.key == "diag_all_zero"


class _Orthogonal:
    """An rng whose one draw is a direction the gradient is (almost) orthogonal to: a correct
    gradient's derivative along it is as small as the differences' own rounding."""

    def __init__(self, grads: dict):
        from grader.checks.network import flatten
        self.gradient = flatten(grads)

    def standard_normal(self, size, dtype=np.float64):
        w = np.random.default_rng(5).standard_normal(size)
        g = self.gradient
        return (w - (w @ g) / (g @ g) * g).astype(dtype)


def test_a_direction_orthogonal_to_a_correct_gradient_is_not_failed_for_rounding():
    from grader import reference
    rng = np.random.default_rng(4)
    params = {"W1": rng.normal(0, 0.05, (784, 50)), "b1": rng.normal(0, 0.1, 50),
              "W2": rng.normal(0, 0.3, (50, 10)), "b2": np.zeros(10)}
    x, labels = rng.uniform(0, 1, (100, 784)), rng.integers(0, 10, 100)
    grads = reference_gradient(reference, params, x, labels)
    directional_checks(_Ctx, params, grads, x, labels, count=1, rng=_Orthogonal(grads))


def reference_gradient(reference, params: dict, x, labels) -> dict:
    """The two-layer network's exact gradient, by backpropagation in float64."""
    hidden = x @ params["W1"] + params["b1"]
    active = np.maximum(hidden, 0)
    y = reference.softmax(active @ params["W2"] + params["b2"])
    dscore = (y - np.eye(10)[labels]) / len(labels)
    dactive = (dscore @ params["W2"].T) * (hidden > 0)
    return {"W1": x.T @ dactive, "b1": dactive.sum(axis=0), "W2": active.T @ dscore, "b2": dscore.sum(axis=0)}


def _small_problem(seed: int):
    """Parameters of the book's shapes, 20 random images and labels."""
    rng = np.random.default_rng(seed)
    params = {"W1": rng.normal(0, 0.05, (784, 50)), "b1": rng.normal(0, 0.1, 50),
              "W2": rng.normal(0, 0.3, (50, 10)), "b2": rng.normal(0, 0.1, 10)}
    return params, rng.uniform(0, 1, (20, 784)), rng.integers(0, 10, 20)


def test_the_loss_after_the_first_layer_is_the_whole_network_s_loss():
    # Directional checks move the first layer's output instead of W1 and b1: the same function.
    from grader import reference
    params, x, labels = _small_problem(3)
    whole = reference.two_layer_loss(params, x, labels)
    after = reference.two_layer_loss_after_first_layer(x @ params["W1"] + params["b1"], params["W2"],
                                                       params["b2"], labels)
    assert abs(whole - after) <= 1e-14 * abs(whole)


def test_a_gradient_wrong_only_in_the_first_layer_is_caught():
    # The first layer's parameters reach the loss only through the moved output: a mistake there
    # (dW1 off by a factor of two) must still show in a random direction and along the gradient.
    import pytest

    from grader import reference
    from grader.compare import CheckFailed
    params, x, labels = _small_problem(4)
    grads = reference_gradient(reference, params, x, labels)
    grads["W1"] *= 2
    with pytest.raises(CheckFailed) as wrong:
        directional_checks(_Ctx, params, grads, x, labels, count=1, rng=np.random.default_rng(5))
    assert wrong.value.message.key == "directional_mismatch"
    grads["W1"] /= 2
    directional_checks(_Ctx, params, grads, x, labels, count=1, rng=np.random.default_rng(5))

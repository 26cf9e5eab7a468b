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

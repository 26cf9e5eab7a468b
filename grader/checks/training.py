"""train_neuralnet (section 5.7.4): SGD on MNIST with the student's gradient, judged by the parent.

The parent chooses every mini-batch, keeps its own copy of the parameters and applies the same
update the worker applies in place (`p -= lr * grad`), so the accuracy it measures is that of
parameters reached only through the gradients the student's code returned. At a few secret
iterations it checks those gradients against its own loss, so a gradient that "teleports" to
pre-trained weights cannot pass.
"""
from __future__ import annotations

from collections import deque

import numpy as np

from grader import reference
from grader.checks.context import CheckContext
from grader.checks.network import KEYS, directional_checks, expected_shapes, gradient_dict
from grader.compare import CheckFailed, as_array
from grader.results import Comparison, Message

LEARNING_RATE = 0.1
BATCH = 100
EVAL_EVERY = 100          # iterations between accuracy measurements
QUICK_EVAL = 2_000        # test images used to decide whether the full test set is worth it
SPOT_CHECKS = 3
PIPELINE_DEPTH = 3        # training steps in flight at once


def _test_set():
    from grader.datasets import load_mnist_uint8
    (x_train, t_train), (x_test, t_test) = load_mnist_uint8()
    return x_train, t_train, x_test.astype(np.float32) * np.float32(1 / 255), t_test


def accuracy(ctx: CheckContext) -> None:
    settings = ctx.settings
    x_train_u8, t_train, x_test, t_test = _test_set()
    shapes = expected_shapes(784, 50, 10)
    net = ctx.new("two_layer_net", "TwoLayerNet", 784, 50, 10)
    params_ref = ctx.attribute(net, "TwoLayerNet.params", keep=True)
    params = {k: as_array(ctx.session.getitem(params_ref, k), "TwoLayerNet.__init__", k) for k in KEYS}
    x_ref, t_ref = ctx.session.request("mnist")
    budget = settings.mnist_max_iterations
    spot = set(ctx.rng.choice(np.arange(1, min(budget, 1000)), size=SPOT_CHECKS, replace=False).tolist())
    curve: list[tuple[int, float]] = [(0, _accuracy(params, x_test, t_test))]
    iteration = 0
    reached = False
    in_flight: deque = deque()   # batches sent to the worker whose gradients have not come back

    def send_next() -> None:
        idx = ctx.rng.choice(60_000, BATCH)
        ctx.session.submit("train_step", net=net, x=x_ref, t=t_ref, idx=idx, lr=LEARNING_RATE)
        in_flight.append(idx)

    ctx.current = "TwoLayerNet.gradient"
    try:
        for _ in range(min(PIPELINE_DEPTH, budget)):
            send_next()
        while iteration < budget:
            raw = ctx.session.collect()
            batch = in_flight.popleft()
            iteration += 1
            if iteration + len(in_flight) < budget:
                # Keep the worker busy while the parent checks and mirrors this step. The worker
                # updates its parameters in order, so step i+1 is still taken at the parameters
                # that step i produced.
                send_next()
            grads = gradient_dict(raw, shapes)
            if iteration in spot or iteration == 1:
                x_batch = x_train_u8[batch].astype(np.float64) / 255.0
                try:
                    directional_checks(ctx, params, grads, x_batch, t_train[batch], count=1)
                except CheckFailed as failure:
                    raise CheckFailed(Message("training_gradient_wrong", {"iteration": iteration}),
                                      failure.comparison, Message("diag_stale_parameters", {})) from None
            for key in KEYS:
                params[key] -= LEARNING_RATE * grads[key]
            if iteration % EVAL_EVERY == 0:
                ctx.report_progress(iteration, budget, accuracy=curve[-1][1])
                quick = _accuracy(params, x_test[:QUICK_EVAL], t_test[:QUICK_EVAL])
                if quick >= settings.mnist_target - 0.01:
                    full = _accuracy(params, x_test, t_test)
                    curve.append((iteration, full))
                    if full >= settings.mnist_target:
                        reached = True
                        break
                else:
                    curve.append((iteration, quick))
    finally:
        while in_flight and ctx.session.alive:
            in_flight.popleft()
            _discard_reply(ctx)
    final = _accuracy(params, x_test, t_test)
    ctx.notes.update(curve=curve, iterations=iteration, test_accuracy=final)
    if not reached:
        if not all(np.all(np.isfinite(p)) for p in params.values()):
            diagnosis = Message("diag_diverged", {})
        elif final < 0.2:
            diagnosis = Message("diag_not_learning", {})
        else:
            diagnosis = None
        raise CheckFailed(
            Message("accuracy_too_low", {"accuracy": final, "target": settings.mnist_target,
                                         "iterations": iteration}),
            Comparison("test accuracy", f">= {settings.mnist_target:.3f}", f"{final:.4f}"),
            diagnosis)


def _discard_reply(ctx: CheckContext) -> None:
    """Keep the channel in step when the loop ends with a request still in flight."""
    try:
        ctx.session.collect()
    except Exception:
        pass


def _accuracy(params: dict, x: np.ndarray, labels: np.ndarray) -> float:
    # float32 is plenty to pick the arg-max, and twice as fast on the 10,000 test images.
    p32 = {k: v.astype(np.float32) for k, v in params.items()}
    if not all(np.all(np.isfinite(v)) for v in p32.values()):
        return 0.0
    return reference.accuracy(p32, x, labels)

"""A network from modules (extra `modular_network`): each module alone, then XOR learnt.

Linear's dx is compared with central differences at the weights forward used, and its own SGD
step with W - lr * dW computed here from the arrays the worker sent (before and after), to 1e-10:
the same arithmetic in another order, nothing else. Sigmoid, ReLU, MSELoss and Softmax are
compared with closed forms and central differences. The network learns XOR from the student's
own modules; whether it learnt is decided here, from its outputs on the four points.
"""
from __future__ import annotations

import numpy as np

from grader import reference
from grader.checks.context import CheckContext, away_from_zero
from grader.compare import (GRADIENT_THRESHOLD, VALUE_THRESHOLD, CheckFailed, as_array, diagnose_values,
                            expect_close, preview)
from grader.reference import relative_error
from grader.results import Comparison, Message

EXERCISE = "modular_network"
LEARNING_RATE = 0.1
UPDATE_THRESHOLD = 1e-10     # W after the step: only the order of the sums may differ
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_T = np.array([[0.0], [1.0], [1.0], [0.0]])
XOR_HIDDEN, XOR_RATE, XOR_STEPS = 8, 2.0, 2000   # the solution learns it in a few hundred steps
                                                   # for every one of 1000 seeds tried


def _module(ctx: CheckContext) -> str:
    return ctx.module_of(EXERCISE)


def _close(a, b, threshold: float = 1e-6) -> bool:
    return (isinstance(a, np.ndarray) and a.shape == np.shape(b)
            and float(relative_error(a.astype(float), b).max()) < threshold)


def _linear_before(ctx: CheckContext, sizes=(4, 3), batch: int = 5):
    """A fresh Linear that has run forward on x: (layer, x, W, b) with W, b as forward used them."""
    layer = ctx.new(_module(ctx), "Linear", *sizes)
    W = as_array(ctx.attribute(layer, "Linear.W"), "Linear.__init__", "W", attribute="Linear.W")
    b = as_array(ctx.attribute(layer, "Linear.b"), "Linear.__init__", "b", attribute="Linear.b")
    x = ctx.rng.normal(size=(batch, sizes[0]))
    out = ctx.call(layer, "Linear.forward", x)
    expect_close(out, x @ W + b, method="Linear.forward", quantity="out", threshold=VALUE_THRESHOLD,
                 gradient=False)
    return layer, x, W.copy(), b.copy()


def linear_gradient(ctx: CheckContext) -> None:
    """dx from Linear.backward, numerically, at the W forward used."""
    layer, x, W, b = _linear_before(ctx)
    grad = ctx.rng.normal(size=(x.shape[0], W.shape[1]))
    dx = ctx.call(layer, "Linear.backward", grad, LEARNING_RATE)
    want = reference.backward_of(lambda v: v @ W + b, x, grad)
    try:
        expect_close(dx, want, method="Linear.backward", quantity="dx", threshold=GRADIENT_THRESHOLD)
    except CheckFailed as failure:
        updated = W - LEARNING_RATE * (x.T @ grad)
        if _close(dx, grad @ updated.T):
            failure.diagnosis = Message("diag_dx_after_update", {})
        raise


def linear_update(ctx: CheckContext) -> None:
    """Linear.backward's own step: W and b after it equal W - lr * dW and b - lr * db."""
    layer, x, W, b = _linear_before(ctx)
    grad = ctx.rng.normal(size=(x.shape[0], W.shape[1]))
    ctx.call(layer, "Linear.backward", grad, LEARNING_RATE)
    for name, before, gradient in (("W", W, x.T @ grad), ("b", b, grad.sum(axis=0))):
        after = as_array(ctx.attribute(layer, f"Linear.{name}"), "Linear.backward", name,
                         attribute=f"Linear.{name}")
        want = before - LEARNING_RATE * gradient
        try:
            expect_close(after, want, method="Linear.backward", quantity=name, threshold=UPDATE_THRESHOLD,
                         gradient=False)
        except CheckFailed as failure:
            failure.diagnosis = _step_relation(before, after, LEARNING_RATE * gradient) or failure.diagnosis
            raise


def _step_relation(before: np.ndarray, after: np.ndarray, step: np.ndarray) -> Message | None:
    """What the step taken is, next to the one expected (sign, a factor, none at all)."""
    if after.shape != before.shape:
        return None
    taken = before - after
    if not np.any(taken):
        return Message("diag_no_update", {})
    return diagnose_values(taken, step, threshold=1e-6, gradient=False)


def _activation(ctx: CheckContext, cls: str, fn, draw) -> None:
    for shape in ((5,), (4, 6)):
        x = draw(shape)
        layer = ctx.new(_module(ctx), cls)
        out = ctx.call(layer, f"{cls}.forward", x)
        expect_close(out, fn(x), method=f"{cls}.forward", quantity="out", threshold=VALUE_THRESHOLD,
                     gradient=False)
        grad = ctx.rng.normal(size=shape)
        dx = ctx.call(layer, f"{cls}.backward", grad, LEARNING_RATE)
        expect_close(dx, reference.backward_of(fn, x, grad), method=f"{cls}.backward", quantity="dx",
                     threshold=GRADIENT_THRESHOLD)


def sigmoid(ctx: CheckContext) -> None:
    _activation(ctx, "Sigmoid", reference.sigmoid, lambda shape: ctx.rng.uniform(-5, 5, size=shape))


def relu(ctx: CheckContext) -> None:
    _activation(ctx, "ReLU", reference.relu, lambda shape: away_from_zero(ctx.rng, shape))


def mse_loss(ctx: CheckContext) -> None:
    """forward: mean((y - t) ** 2) over every entry; backward: its gradient by y."""
    for shape in ((4, 1), (3, 5)):
        y, t = ctx.rng.normal(size=shape), ctx.rng.normal(size=shape)
        loss = ctx.new(_module(ctx), "MSELoss")
        got = ctx.call(loss, "MSELoss.forward", y, t)
        expect_close(got, np.mean((y - t) ** 2), method="MSELoss.forward", quantity="loss",
                     threshold=VALUE_THRESHOLD, allow_scalar_broadcast=True, gradient=False)
        dy = ctx.call(loss, "MSELoss.backward")
        want = reference.backward_of(lambda v: np.mean((v - t) ** 2), y, np.ones(()))
        expect_close(dy, want, method="MSELoss.backward", quantity="dy", threshold=GRADIENT_THRESHOLD)


def softmax(ctx: CheckContext) -> None:
    """Softmax.backward against central differences: the whole Jacobian, not its diagonal."""
    for shape in ((2, 4), (3, 5)):
        x = ctx.rng.normal(size=shape)
        layer = ctx.new(_module(ctx), "Softmax")
        out = ctx.call(layer, "Softmax.forward", x)
        expect_close(out, reference.softmax(x), method="Softmax.forward", quantity="out",
                     threshold=VALUE_THRESHOLD, gradient=False)
        grad = ctx.rng.normal(size=shape)
        dx = ctx.call(layer, "Softmax.backward", grad, LEARNING_RATE)
        try:
            expect_close(dx, reference.backward_of(reference.softmax, x, grad), method="Softmax.backward",
                         quantity="dx", threshold=GRADIENT_THRESHOLD)
        except CheckFailed as failure:
            y = reference.softmax(x)
            if _close(dx, grad * y * (1.0 - y)):
                failure.diagnosis = Message("diag_softmax_elementwise", {})
            raise


def xor(ctx: CheckContext) -> None:
    """The student's Network of Linear(2, 8), Sigmoid, Linear(8, 1), Sigmoid and MSELoss learns
    XOR: after at most XOR_STEPS steps its outputs on the four points round to 0, 1, 1, 0."""
    module = _module(ctx)
    modules = [ctx.new(module, "Linear", 2, XOR_HIDDEN), ctx.new(module, "Sigmoid"),
               ctx.new(module, "Linear", XOR_HIDDEN, 1), ctx.new(module, "Sigmoid")]
    network = ctx.new(module, "Network", modules, ctx.new(module, "MSELoss"))
    first = as_array(ctx.call(network, "Network.train_step", XOR_X, XOR_T, XOR_RATE), "Network.train_step", "loss")
    ctx.call(network, "Network.train", XOR_X, XOR_T, XOR_RATE, XOR_STEPS - 1)
    out = as_array(ctx.call(network, "Network.forward", XOR_X), "Network.forward", "out")
    if out.size != 4:
        raise CheckFailed(Message("wrong_shape", {"method": "Network.forward", "quantity": "out",
                                                  "got": str(tuple(out.shape)), "expected": "(4, 1)"}),
                          Comparison("out", "shape (4, 1)", preview(out)))
    out = out.reshape(4)
    answers = (out > 0.5).astype(int)
    ctx.notes["xor"] = {"outputs": [float(v) for v in out], "first_loss": float(np.asarray(first).reshape(-1)[0])}
    if not np.all(np.isfinite(out)) or list(answers) != [0, 1, 1, 0]:
        ctx.current = "Network.train_step"
        raise CheckFailed(Message("xor_not_learnt", {"method": "Network.train_step", "steps": XOR_STEPS,
                                                     "rate": XOR_RATE}),
                          Comparison("out", "[0, 1, 1, 0] (rounded)", preview(out)))

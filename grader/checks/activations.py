"""Relu and Sigmoid (section 5.5): forward against closed forms, backward against central differences."""
from __future__ import annotations

import numpy as np

from grader import reference
from grader.checks.context import CheckContext, away_from_zero
from grader.compare import VALUE_THRESHOLD, CheckFailed, expect_close, preview
from grader.reference import relative_error
from grader.results import Comparison, Message

SHAPES = ((5,), (4, 6), (2, 3, 4))


def _inputs(ctx: CheckContext, cls: str):
    for shape in SHAPES:
        if cls == "Relu":
            x = away_from_zero(ctx.rng, shape)
            x.reshape(-1)[:2] = (-0.5, 0.5)  # both sides of the kink, whatever the draw
            yield x
        else:
            yield ctx.rng.uniform(-5, 5, size=shape)


def _forward_fn(cls: str):
    return reference.relu if cls == "Relu" else reference.sigmoid


def expect_unchanged(ctx: CheckContext, ref, original: np.ndarray, method: str, argument: str) -> None:
    """No forward may change the arrays it is given."""
    after = np.asarray(ctx.fetch(ref))
    if after.shape != original.shape or not np.array_equal(after, original):
        raise CheckFailed(Message("modified_input", {"method": method, "argument": argument}),
                          Comparison(argument, preview(original), preview(after)))


def _forward(ctx: CheckContext, cls: str) -> None:
    for x in _inputs(ctx, cls):
        layer = ctx.new(ctx.module_of(cls), cls)
        x_ref = ctx.put(x)
        got = ctx.call(layer, f"{cls}.forward", x_ref)
        try:
            expect_close(got, _forward_fn(cls)(x), method=f"{cls}.forward", quantity="out",
                         threshold=VALUE_THRESHOLD, gradient=False)
        except CheckFailed as failure:
            failure.diagnosis = failure.diagnosis or _forward_relation(cls, got, x)
            raise
        expect_unchanged(ctx, x_ref, x, f"{cls}.forward", "x")


def _backward(ctx: CheckContext, cls: str) -> None:
    fn = _forward_fn(cls)
    for x in _inputs(ctx, cls):
        dout = ctx.rng.normal(size=x.shape)
        layer = ctx.new(ctx.module_of(cls), cls)
        ctx.call(layer, f"{cls}.forward", x)
        got = ctx.call(layer, f"{cls}.backward", dout)
        want = reference.backward_of(fn, x, dout)
        try:
            expect_close(got, want, method=f"{cls}.backward", quantity="dx", batch_size=None)
        except CheckFailed as failure:
            if isinstance(got, np.ndarray) and got.shape == x.shape:
                relation = _relu_relation if cls == "Relu" else _sigmoid_relation
                failure.diagnosis = relation(got.astype(float), x, dout) or failure.diagnosis
            raise


def _close(a, b) -> bool:
    return float(relative_error(a, b).max()) < 1e-6


def _forward_relation(cls: str, got, x: np.ndarray):
    """A wrong forward output that is a known relative of the right one."""
    if not isinstance(got, np.ndarray) or got.shape != x.shape:
        return None
    got = got.astype(float)
    if cls == "Relu" and _close(got, np.minimum(x, 0.0)):
        return Message("diag_forward_mask_inverted", {})
    if cls == "Sigmoid" and _close(got, reference.sigmoid(-x)):
        return Message("diag_sigmoid_of_minus_x", {})
    return None


def _sigmoid_relation(got: np.ndarray, x: np.ndarray, dout: np.ndarray):
    y = reference.sigmoid(x)
    if _close(got, dout * y * (1.0 + y)):
        return Message("diag_sigmoid_one_plus", {})
    return None


def _relu_relation(got: np.ndarray, x: np.ndarray, dout: np.ndarray):
    close = _close
    if close(got, dout * (x <= 0)):
        return Message("diag_mask_inverted", {})
    if close(got, dout):
        return Message("diag_gradient_leaks", {})
    if close(got, (x > 0).astype(float)):
        return Message("diag_mask_without_dout", {})
    if close(got, reference.relu(x) * dout):
        return Message("diag_times_output", {})
    return None


def relu_forward(ctx):
    _forward(ctx, "Relu")


def relu_backward(ctx):
    _backward(ctx, "Relu")


def sigmoid_forward(ctx):
    _forward(ctx, "Sigmoid")


def sigmoid_backward(ctx):
    _backward(ctx, "Sigmoid")

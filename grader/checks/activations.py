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
        expect_close(got, _forward_fn(cls)(x), method=f"{cls}.forward", quantity="out",
                     threshold=VALUE_THRESHOLD)
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
            if cls == "Relu" and isinstance(got, np.ndarray) and got.shape == x.shape:
                failure.diagnosis = _relu_relation(got.astype(float), x, dout) or failure.diagnosis
            raise


def _relu_relation(got: np.ndarray, x: np.ndarray, dout: np.ndarray):
    def close(a, b):
        return float(relative_error(a, b).max()) < 1e-6
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

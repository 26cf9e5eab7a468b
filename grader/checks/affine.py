"""Affine (section 5.6.2): values, gradients for dx, dW, db, kept references, tensor inputs."""
from __future__ import annotations

import numpy as np

from grader import reference
from grader.checks.activations import expect_unchanged
from grader.checks.context import CheckContext
from grader.compare import VALUE_THRESHOLD, CheckFailed, expect_close, preview
from grader.results import Comparison, Message


def _make(ctx: CheckContext, d: int, m: int):
    W = ctx.rng.normal(size=(d, m))
    b = ctx.rng.normal(size=m)
    W_ref, b_ref = ctx.put(W), ctx.put(b)
    layer = ctx.new(ctx.module_of("Affine"), "Affine", W_ref, b_ref)
    return layer, W, b, W_ref, b_ref


def forward(ctx: CheckContext) -> None:
    for n, d, m in ((1, 3, 2), (4, 5, 3)):
        layer, W, b, W_ref, b_ref = _make(ctx, d, m)
        x = ctx.rng.normal(size=(n, d))
        x_ref = ctx.put(x)
        got = ctx.call(layer, "Affine.forward", x_ref)
        expect_close(got, reference.affine(x, W, b), method="Affine.forward", quantity="out",
                     threshold=VALUE_THRESHOLD, gradient=False)
        expect_unchanged(ctx, x_ref, x, "Affine.forward", "x")
        expect_unchanged(ctx, W_ref, W, "Affine.forward", "W")
        expect_unchanged(ctx, b_ref, b, "Affine.forward", "b")
        _expect_live_parameters(ctx, layer, W, b, W_ref, b_ref, x)


def _expect_live_parameters(ctx, layer, W, b, W_ref, b_ref, x) -> None:
    """Training updates params in place; a layer holding copies would never see it."""
    W2, b2 = W + ctx.rng.normal(size=W.shape), b + ctx.rng.normal(size=b.shape)
    ctx.session.assign(W_ref, W2)
    ctx.session.assign(b_ref, b2)
    got = ctx.call(layer, "Affine.forward", x)
    try:
        expect_close(got, reference.affine(x, W2, b2), method="Affine.forward", quantity="out",
                     threshold=VALUE_THRESHOLD, gradient=False)
    except CheckFailed as failure:
        raise CheckFailed(Message("copied_parameters", {"method": "Affine.__init__"}),
                          failure.comparison, Message("diag_copied_parameters", {})) from None


def _gradient_case(ctx: CheckContext, x_shape: tuple, m: int) -> None:
    n = x_shape[0]
    d = int(np.prod(x_shape[1:]))
    layer, W, b, _, _ = _make(ctx, d, m)
    x = ctx.rng.normal(size=x_shape)
    dout = ctx.rng.normal(size=(n, m))
    ctx.call(layer, "Affine.forward", x)
    dx = ctx.call(layer, "Affine.backward", dout)
    want_dx = reference.backward_of(lambda v: reference.affine(v, W, b), x, dout)
    expect_close(dx, want_dx, method="Affine.backward", quantity="dx")
    dW = ctx.attribute(layer, "Affine.dW")
    want_dW = reference.backward_of(lambda v: reference.affine(x, v, b), W, dout)
    expect_close(dW, want_dW, method="Affine.backward", quantity="dW", batch_size=n, attribute="Affine.dW")
    db = ctx.attribute(layer, "Affine.db")
    want_db = reference.backward_of(lambda v: reference.affine(x, W, v), b, dout)
    expect_close(db, want_db, method="Affine.backward", quantity="db", batch_size=n, attribute="Affine.db")


def backward(ctx: CheckContext) -> None:
    for x_shape, m in (((1, 3), 2), ((4, 5), 3), ((6, 4), 4)):
        _gradient_case(ctx, x_shape, m)
    _second_call(ctx)


def _second_call(ctx: CheckContext) -> None:
    """Training runs forward and backward on the same layers every step: dW and db must be the
    gradients of the latest pass alone (a `+=` passes every single-call check)."""
    layer, W, b, _, _ = _make(ctx, 4, 3)
    previous = None
    for _ in range(2):
        x, dout = ctx.rng.normal(size=(5, 4)), ctx.rng.normal(size=(5, 3))
        ctx.call(layer, "Affine.forward", x)
        ctx.call(layer, "Affine.backward", dout)
        wanted = {"dW": reference.backward_of(lambda v: reference.affine(x, v, b), W, dout),
                  "db": reference.backward_of(lambda v: reference.affine(x, W, v), b, dout)}
        if previous is not None:
            for quantity in ("dW", "db"):
                got = ctx.attribute(layer, f"Affine.{quantity}")
                try:
                    expect_close(got, wanted[quantity], method="Affine.backward", quantity=quantity,
                                 attribute=f"Affine.{quantity}")
                except CheckFailed as failure:
                    summed = previous[quantity] + wanted[quantity]
                    if np.shape(got) == summed.shape and np.allclose(np.asarray(got, dtype=float), summed):
                        raise CheckFailed(Message("stale_gradient", {"method": "Affine.backward", "quantity": quantity}),
                                          failure.comparison,
                                          Message("diag_accumulates", {"quantity": quantity})) from None
                    raise
        previous = wanted


def tensor_input(ctx: CheckContext) -> None:
    """(N, C, H, W) inputs are flattened in forward; dx comes back in the input's shape."""
    x_shape = (2, 3, 2, 2)
    layer, W, b, _, _ = _make(ctx, 12, 3)
    x = ctx.rng.normal(size=x_shape)
    got = ctx.call(layer, "Affine.forward", x)
    expect_close(got, reference.affine(x, W, b), method="Affine.forward", quantity="out",
                 threshold=VALUE_THRESHOLD, gradient=False)
    dout = ctx.rng.normal(size=(2, 3))
    dx = ctx.call(layer, "Affine.backward", dout)
    if isinstance(dx, np.ndarray) and dx.shape != x_shape and dx.size == x.size:
        raise CheckFailed(Message("dx_not_reshaped", {"method": "Affine.backward",
                                                      "got": str(dx.shape), "expected": str(x_shape)}),
                          Comparison("dx", f"shape {x_shape}", preview(dx)))
    _gradient_case(ctx, x_shape, 3)

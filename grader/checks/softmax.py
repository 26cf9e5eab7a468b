"""SoftmaxWithLoss (section 5.6.3): the loss, its gradient, class-index targets, large logits."""
from __future__ import annotations

import numpy as np

from grader import reference
from grader.checks.activations import expect_unchanged
from grader.checks.context import CheckContext
from grader.compare import CheckFailed, expect_close
from grader.results import Message

CLASSES = 5


def _batch(ctx: CheckContext, n: int, scale: float = 2.0):
    x = ctx.rng.normal(scale=scale, size=(n, CLASSES))
    labels = ctx.rng.integers(0, CLASSES, size=n)
    return x, labels, np.eye(CLASSES)[labels]


def _loss(ctx: CheckContext, x, t, x_for_student=None):
    layer = ctx.new(ctx.module_of("SoftmaxWithLoss"), "SoftmaxWithLoss")
    got = ctx.call(layer, "SoftmaxWithLoss.forward", x if x_for_student is None else x_for_student, t)
    return layer, got


def expect_loss(got, x, onehot, n: int | None = None) -> None:
    """The loss with or without the book's `+ 1e-7` inside the log: both are right answers."""
    try:
        expect_close(got, reference.softmax_with_loss(x, onehot, book_epsilon=True),
                     method="SoftmaxWithLoss.forward", quantity="loss", threshold=1e-6,
                     allow_scalar_broadcast=True, gradient=False)
    except CheckFailed:
        try:
            expect_close(got, reference.softmax_with_loss(x, onehot), method="SoftmaxWithLoss.forward",
                         quantity="loss", threshold=1e-6, batch_size=n, allow_scalar_broadcast=True,
                         gradient=False)
        except CheckFailed as failure:
            if failure.diagnosis is None and _is_batch_wide_softmax_loss(got, x, onehot):
                failure.diagnosis = Message("diag_softmax_whole_batch", {})
            raise


def _is_batch_wide_softmax_loss(got, x: np.ndarray, onehot: np.ndarray) -> bool:
    """The loss of a softmax normalised over the whole (N, C) array instead of each row."""
    if x.ndim != 2 or x.shape[0] < 2 or np.size(got) != 1:
        return False
    e = np.exp(x - x.max())
    y = e / e.sum()
    picked = y[np.arange(x.shape[0]), onehot.argmax(axis=1)]
    value = float(np.asarray(got, dtype=float).reshape(()))
    return any(abs(value - float(-np.mean(np.log(picked + eps)))) <= 1e-6 * max(1.0, abs(value))
               for eps in (0.0, 1e-7))


def forward(ctx: CheckContext) -> None:
    for n in (1, 4):
        x, _, onehot = _batch(ctx, n)
        x_ref, t_ref = ctx.put(x), ctx.put(onehot)
        _, got = _loss(ctx, x, t_ref, x_ref)
        expect_loss(got, x, onehot, n)
        expect_unchanged(ctx, x_ref, x, "SoftmaxWithLoss.forward", "x")
        expect_unchanged(ctx, t_ref, onehot, "SoftmaxWithLoss.forward", "t")
    # Logits around 1000 overflow exp() unless the maximum is subtracted first.
    x, _, onehot = _batch(ctx, 3)
    big = x + 1000.0
    _, got = _loss(ctx, big, onehot)
    try:
        expect_loss(got, big, onehot)
    except CheckFailed as failure:
        failure.diagnosis = Message("diag_unstable_softmax", {})
        raise


def _gradient(ctx: CheckContext, n: int, as_labels: bool, scale: float = 2.0, shift: float = 0.0,
              default_dout: bool = False) -> None:
    x, labels, onehot = _batch(ctx, n, scale)
    x = x + shift
    t = labels if as_labels else onehot
    layer, _ = _loss(ctx, x, t)
    # The book's backward(dout=1) is called both ways: with 1, as TwoLayerNet.gradient does, and
    # with no argument at all, which its default must allow.
    dx = ctx.call(layer, "SoftmaxWithLoss.backward", *(() if default_dout else (1,)))
    want = reference.backward_of(lambda v: np.array(reference.softmax_with_loss(v, onehot)), x, np.array(1.0))
    try:
        expect_close(dx, want, method="SoftmaxWithLoss.backward", quantity="dx", threshold=1e-5,
                     batch_size=n)
    except CheckFailed as failure:
        if failure.diagnosis is None and isinstance(dx, np.ndarray) and dx.shape == x.shape:
            y = reference.softmax(x)
            if np.allclose(dx, y - onehot, rtol=1e-5, atol=1e-9) and n > 1:
                failure.diagnosis = Message("diag_missing_batch_division", {"batch": n})
        raise


def backward(ctx: CheckContext) -> None:
    # A real batch first: a dx that lost its batch axis shows how (summed, averaged) only there.
    for n in (4, 1, 7):
        _gradient(ctx, n, as_labels=False, default_dout=n == 7)
    _gradient(ctx, 3, as_labels=False, shift=1000.0)


def class_labels(ctx: CheckContext) -> None:
    """Targets as class indices (what MNIST gives without one_hot_label) must work too."""
    for n in (1, 5):
        x, labels, onehot = _batch(ctx, n)
        try:
            _, got = _loss(ctx, x, labels)
            expect_loss(got, x, onehot, n)
            _gradient(ctx, n, as_labels=True)
        except CheckFailed as failure:
            if failure.diagnosis is None and _right_for_one_hot(ctx, x, onehot):
                failure.diagnosis = Message("diag_onehot_only", {})
            raise


def _right_for_one_hot(ctx: CheckContext, x: np.ndarray, onehot: np.ndarray) -> bool:
    """The same batch with one-hot targets gives the right loss and dx: then, and only then,
    is the class-index form the difference."""
    try:
        layer, got = _loss(ctx, x, onehot)
        expect_loss(got, x, onehot)
        dx = ctx.call(layer, "SoftmaxWithLoss.backward", 1)
        want = reference.backward_of(lambda v: np.array(reference.softmax_with_loss(v, onehot)), x, np.array(1.0))
        expect_close(dx, want, method="SoftmaxWithLoss.backward", quantity="dx", threshold=1e-5)
    except CheckFailed:
        return False
    return True

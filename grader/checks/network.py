"""TwoLayerNet.gradient (section 5.7): against numerical gradients of the grader's own loss.

A small network is checked entry by entry; the full 784-50-10 network along a few random
directions (a whole numerical gradient of it would take the grader minutes). The student's call
on the full network is timed by the parent: backpropagation answers in milliseconds, a numerical
gradient in dozens of seconds.
"""
from __future__ import annotations

import time

import numpy as np

from grader import reference
from grader.checks.context import CheckContext
from grader.compare import CheckFailed, as_array, expect_close, preview
from grader.results import Comparison, Message
from grader.session import WorkerTimeout

KEYS = ("W1", "b1", "W2", "b2")


def expected_shapes(i: int, h: int, o: int) -> dict:
    return {"W1": (i, h), "b1": (h,), "W2": (h, o), "b2": (o,)}


def flatten(arrays: dict) -> np.ndarray:
    """W1, b1, W2, b2 one after the other in one float64 vector (a new array)."""
    return np.concatenate([np.asarray(arrays[k], dtype=np.float64).ravel() for k in KEYS])


def unflatten(flat: np.ndarray, shapes: dict) -> dict:
    """{key: view of `flat`}, the inverse of flatten for arrays of these shapes."""
    out, start = {}, 0
    for key in KEYS:
        size = int(np.prod(shapes[key]))
        out[key] = flat[start:start + size].reshape(shapes[key])
        start += size
    return out


def gradient_dict(value, shapes: dict) -> dict:
    """The student's gradient as {key: float64 array}, or CheckFailed naming what is off."""
    method = "TwoLayerNet.gradient"
    if not isinstance(value, dict):
        raise CheckFailed(Message("returned_none" if value is None else "wrong_type",
                                  {"method": method, "quantity": "grads", "type": type(value).__name__}))
    missing = [k for k in KEYS if k not in value]
    if missing:
        raise CheckFailed(Message("missing_keys", {"method": method, "keys": ", ".join(missing)}),
                          Comparison("grads", ", ".join(KEYS), ", ".join(sorted(value))))
    out = {}
    for key in KEYS:
        arr = as_array(value[key], method, key)
        if arr.shape != shapes[key]:
            swapped = _swapped_with(value, key, shapes)
            raise CheckFailed(
                Message("wrong_shape", {"method": method, "quantity": key,
                                        "got": str(arr.shape), "expected": str(shapes[key])}),
                Comparison(key, f"shape {shapes[key]}", preview(arr)),
                Message("diag_keys_swapped", {"key": key, "other": swapped}) if swapped else None)
        out[key] = arr
    return out


def _swapped_with(value: dict, key: str, shapes: dict) -> str | None:
    for other in KEYS:
        if other != key and np.shape(value.get(other)) == shapes[key]:
            return other
    return None


def _well_conditioned(ctx: CheckContext, i: int, h: int, o: int, n: int):
    """Parameters and inputs whose hidden pre-activations all stay clear of ReLU's kink."""
    for _ in range(200):
        params = {"W1": ctx.rng.normal(scale=0.8, size=(i, h)), "b1": ctx.rng.normal(scale=0.5, size=h),
                  "W2": ctx.rng.normal(scale=0.8, size=(h, o)), "b2": ctx.rng.normal(scale=0.5, size=o)}
        x = ctx.rng.normal(size=(n, i))
        if np.min(np.abs(x @ params["W1"] + params["b1"])) > 0.05:
            return params, x
    raise RuntimeError("could not draw kink-free inputs")  # a grader bug, not the student's


def _target_forms(ctx: CheckContext, labels: np.ndarray, classes: int) -> tuple:
    """One-hot targets, as the book trains with, then class indices where SoftmaxWithLoss handles
    them: a network is not failed for a class_labels check that already cost its points."""
    onehot = np.eye(classes)[labels]
    return (onehot,) if "SoftmaxWithLoss.class_labels" in ctx.unavailable else (onehot, labels)


def _set_params(ctx: CheckContext, net, params: dict) -> None:
    """Write our values into the student's params arrays in place, as training would."""
    params_ref = ctx.attribute(net, "TwoLayerNet.params", keep=True)
    for key in KEYS:
        ctx.current = f"TwoLayerNet.params['{key}']"
        ctx.session.assign(ctx.session.getitem(params_ref, key, keep=True), params[key])


def small_network(ctx: CheckContext) -> None:
    i, h, o, n = 6, 5, 4, 3
    shapes = expected_shapes(i, h, o)
    params, x = _well_conditioned(ctx, i, h, o, n)
    labels = ctx.rng.integers(0, o, size=n)
    for t in _target_forms(ctx, labels, o):
        net = ctx.new(ctx.module_of("TwoLayerNet"), "TwoLayerNet", i, h, o)
        _set_params(ctx, net, params)
        grads = gradient_dict(ctx.call(net, "TwoLayerNet.gradient", x, t), shapes)
        for key in KEYS:
            work = {k: v.copy() for k, v in params.items()}
            want = reference.numerical_gradient(lambda: reference.two_layer_loss(work, x, labels), work[key])
            try:
                expect_close(grads[key], want, method="TwoLayerNet.gradient", quantity=key,
                             threshold=1e-5, batch_size=n)
            except CheckFailed as failure:
                if failure.diagnosis is None and _is_numerical_gradient(grads[key], params, key, x, labels):
                    failure.diagnosis = Message("diag_numerical_values", {})
                raise
    _second_step(ctx, net, {k: np.array(v, dtype=float) for k, v in grads.items()}, i, h, o, n, shapes)


def _is_numerical_gradient(got: np.ndarray, params: dict, key: str, x, labels) -> bool:
    """`got` is the book's numerical gradient (central differences with h = 1e-4 of the loss with
    its `+ 1e-7`), to far better than its distance from the true gradient: section 5.7.3's tool
    returned in place of backpropagation. Computed here from our own loss, never asked of the
    student's code."""
    for book_epsilon in (True, False):
        work = {k: v.copy() for k, v in params.items()}
        numeric = reference.numerical_gradient(
            lambda: reference.two_layer_loss(work, x, labels, book_epsilon=book_epsilon), work[key], h=1e-4)
        if float(reference.relative_error(got, numeric).max()) < 1e-9:
            return True
    return False


def _second_step(ctx: CheckContext, net, previous: dict, i: int, h: int, o: int, n: int, shapes: dict) -> None:
    """As in training: the same network, its params changed in place, another batch. The
    gradient must be this step's alone (a `+=` into a kept dict passes every single call)."""
    params, x = _well_conditioned(ctx, i, h, o, n)
    labels = ctx.rng.integers(0, o, size=n)
    _set_params(ctx, net, params)
    grads = gradient_dict(ctx.call(net, "TwoLayerNet.gradient", x, _target_forms(ctx, labels, o)[-1]), shapes)
    for key in KEYS:
        work = {k: v.copy() for k, v in params.items()}
        want = reference.numerical_gradient(lambda: reference.two_layer_loss(work, x, labels), work[key])
        try:
            expect_close(grads[key], want, method="TwoLayerNet.gradient", quantity=key, threshold=1e-5)
        except CheckFailed as failure:
            summed = previous[key] + want
            added_up = grads[key].shape == summed.shape and np.allclose(grads[key], summed)
            raise CheckFailed(Message("stale_gradient_net", {"method": "TwoLayerNet.gradient", "quantity": key}),
                              failure.comparison,
                              Message("diag_accumulates_grads" if added_up else "diag_stale_parameters", {})) from None


def full_network(ctx: CheckContext) -> None:
    """The book's 784-50-10 network at parameters of ours, clear of ReLU's kink (an initialisation
    such as all-zero W1 would sit exactly on it; train_neuralnet judges initialisations)."""
    i, h, o, n = 784, 50, 10, 20
    shapes = expected_shapes(i, h, o)
    x = ctx.rng.uniform(0, 1, size=(n, i))
    for _ in range(100):
        params = {"W1": ctx.rng.normal(scale=0.05, size=(i, h)), "b1": ctx.rng.normal(scale=0.1, size=h),
                  "W2": ctx.rng.normal(scale=0.3, size=(h, o)), "b2": ctx.rng.normal(scale=0.1, size=o)}
        if np.min(np.abs(x @ params["W1"] + params["b1"])) > 1e-4:
            break
    net = ctx.new(ctx.module_of("TwoLayerNet"), "TwoLayerNet", i, h, o)
    _set_params(ctx, net, params)
    labels = ctx.rng.integers(0, o, size=n)
    limit = ctx.settings.slow_gradient_seconds
    started = time.monotonic()
    try:
        raw = ctx.call(net, "TwoLayerNet.gradient", x, np.eye(o)[labels], timeout=limit)
    except WorkerTimeout:
        raise CheckFailed(Message("too_slow", {"method": "TwoLayerNet.gradient", "seconds": limit}),
                          diagnosis=Message("diag_numerical_gradient", {})) from None
    ctx.notes["gradient_seconds"] = time.monotonic() - started
    grads = gradient_dict(raw, shapes)
    directional_checks(ctx, params, grads, x, labels)


def directional_checks(ctx: CheckContext, params: dict, grads: dict, x, labels, count: int = 3,
                        method: str = "TwoLayerNet.gradient", rng: np.random.Generator | None = None,
                        hidden: np.ndarray | None = None) -> None:
    """d/de L(p + e v) by central differences against <grad, v>, for a few unit directions v
    drawn from `rng` (the exercise's own stream unless another is given). `hidden` is
    x @ W1 + b1 when the caller has it already."""
    rng = rng or ctx.rng
    eps = 1e-5
    # Everything as one flat vector in KEYS order: a direction is one draw and one dot product.
    shapes = {k: np.shape(params[k]) for k in KEYS}
    flat_g = flatten(grads)
    size = sum(int(np.prod(shape)) for shape in shapes.values())

    def split(flat: np.ndarray) -> dict:
        return unflatten(flat, shapes)

    if hidden is None:
        hidden = x @ params["W1"] + params["b1"]

    def first_layer_change(v: np.ndarray) -> np.ndarray:
        # The first layer is linear in W1 and b1: moving them by e v moves its output by e times
        # this. The losses at p + e v and p - e v start from there, so each direction costs one
        # product with x instead of three.
        parts = split(v)
        return x @ parts["W1"] + parts["b1"]

    def crosses_kink(change: np.ndarray) -> bool:
        # A hidden unit whose input changes sign between p - e v and p + e v puts ReLU's kink
        # inside the difference: its value then says nothing about the gradient (measured: a
        # correct gradient off by 2e-4 about once in a hundred checks on MNIST batches).
        return bool(np.any(np.abs(hidden) <= 2 * eps * np.abs(change)))

    def unit(v: np.ndarray) -> np.ndarray:
        norm = float(np.sqrt(v @ v))
        return v / norm if norm and np.isfinite(norm) else v

    directions = []
    for _ in range(count):
        for _attempt in range(5):
            v = unit(rng.standard_normal(size, dtype=np.float32).astype(np.float64))
            change = first_layer_change(v)
            if not crosses_kink(change):
                directions.append((v, change))
                break
    along = unit(flat_g.copy())  # along the gradient itself: scale errors show
    change = first_layer_change(along)
    if not crosses_kink(change):  # (NaN never "crosses": a non-finite gradient is still compared)
        directions.append((along, change))
    W2, b2 = params["W2"], params["b2"]
    for v, change in directions:
        moved = split(v)
        up = reference.two_layer_loss_after_first_layer(hidden + eps * change, W2 + eps * moved["W2"],
                                                        b2 + eps * moved["b2"], labels)
        down = reference.two_layer_loss_after_first_layer(hidden - eps * change, W2 - eps * moved["W2"],
                                                          b2 - eps * moved["b2"], labels)
        numeric = (up - down) / (2 * eps)
        analytic = float(flat_g @ v)
        if not np.isfinite(numeric):
            continue   # our loss overflowed at parameters this large: this direction says nothing
        scale = max(abs(numeric), abs(analytic), 1e-8)
        # The difference quotient carries the rounding of the two losses whatever the gradient:
        # measured on MNIST batches, 3e-12 typically and 6e-11 at most. A random direction almost
        # orthogonal to a correct gradient has a derivative that small, and a relative test alone
        # would fail it; so the rounding, 1e3 ulps of the loss over 2 eps, is allowed on top.
        rounding = 1e3 * np.finfo(np.float64).eps * max(abs(up), abs(down), 1.0) / (2 * eps)
        # Written so that a NaN or inf gradient fails: every comparison with NaN is False, and
        # an infinite derivative is never within any distance of a finite one.
        if not (np.isfinite(analytic) and abs(numeric - analytic) <= 1e-4 * scale + rounding):
            g_parts, v_parts = split(flat_g), split(v)
            per_key = {k: float(np.sum(g_parts[k] * v_parts[k])) for k in KEYS}
            error = abs(numeric - analytic) / scale
            raise CheckFailed(
                Message("directional_mismatch", {"method": method, "error": error}),
                Comparison("grads · v", f"{numeric:.6g}", f"{analytic:.6g}", error, 1e-4,
                           ", ".join(f"{k}: {val:.3g}" for k, val in per_key.items())),
                Message("diag_all_zero", {}) if not np.any(flat_g) else _scale_relation(analytic, numeric))


def _scale_relation(analytic: float, numeric: float) -> Message | None:
    """A whole-number ratio (2, 100, ...) is the mark of a scaled gradient, e.g. a missing mean."""
    if not numeric or not np.isfinite(analytic):
        return None
    ratio = analytic / numeric
    if round(ratio) not in (0, 1) and abs(ratio - round(ratio)) < 1e-3:
        return Message("diag_factor", {"factor": ratio})
    return None

"""MulLayer, AddLayer and the book's apple/orange graph (section 5.4)."""
from __future__ import annotations

import numpy as np

from grader import reference
from grader.checks import apple_graph
from grader.checks.context import CheckContext
from grader.compare import VALUE_THRESHOLD, CheckFailed, expect_close, preview
from grader.results import Comparison, Message


def _expect_pair(value, method: str) -> tuple:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise CheckFailed(Message("expected_pair", {"method": method}),
                          Comparison("(dx, dy)", "(dx, dy)", preview(value)))
    return tuple(value)


def _operand_cases(ctx: CheckContext):
    """Scalars as the book uses them, then arrays (the layers must work element-wise)."""
    yield 100.0, 2.0
    yield ctx.rng.normal(size=(3, 4)), ctx.rng.normal(size=(3, 4))


def _check_forward(ctx: CheckContext, cls: str, combine) -> None:
    from grader.checks.activations import expect_unchanged
    for x, y in _operand_cases(ctx):
        layer = ctx.new(ctx.module_of(cls), cls)
        arrays = isinstance(x, np.ndarray)
        x_arg, y_arg = (ctx.put(x), ctx.put(y)) if arrays else (x, y)
        got = ctx.call(layer, f"{cls}.forward", x_arg, y_arg)
        expect_close(got, combine(np.asarray(x), np.asarray(y)), method=f"{cls}.forward",
                     quantity="out", threshold=VALUE_THRESHOLD, allow_scalar_broadcast=True,
                     gradient=False)
        if arrays:
            expect_unchanged(ctx, x_arg, x, f"{cls}.forward", "x")
            expect_unchanged(ctx, y_arg, y, f"{cls}.forward", "y")


def _check_backward(ctx: CheckContext, cls: str, combine) -> None:
    for x, y in _operand_cases(ctx):
        dout = 1.3 if np.ndim(x) == 0 else ctx.rng.normal(size=np.shape(x))
        layer = ctx.new(ctx.module_of(cls), cls)
        ctx.call(layer, f"{cls}.forward", x, y)
        dx, dy = _expect_pair(ctx.call(layer, f"{cls}.backward", dout), f"{cls}.backward")
        xs, ys = np.atleast_1d(np.array(x, float)), np.atleast_1d(np.array(y, float))
        d = np.atleast_1d(np.array(dout, float))
        want_dx = reference.backward_of(lambda v: combine(v, ys), xs, d).reshape(np.shape(x))
        want_dy = reference.backward_of(lambda v: combine(xs, v), ys, d).reshape(np.shape(y))
        if cls == "MulLayer" and _close(dx, want_dy) and _close(dy, want_dx) and not _close(dx, want_dx):
            raise CheckFailed(Message("wrong_values", {"method": f"{cls}.backward", "quantity": "dx",
                                                       "error": 1.0, "threshold": 1e-6}),
                              Comparison("dx", preview(want_dx), preview(np.asarray(dx))),
                              Message("diag_swapped_pair", {}))
        expect_close(dx, want_dx, method=f"{cls}.backward", quantity="dx", allow_scalar_broadcast=True)
        expect_close(dy, want_dy, method=f"{cls}.backward", quantity="dy", allow_scalar_broadcast=True)


def _close(a, b) -> bool:
    try:
        return bool(np.allclose(np.asarray(a, dtype=float), b, rtol=1e-6, atol=1e-9))
    except (TypeError, ValueError):
        return False


def _drawing_the_graph_on_failure(check):
    """A layer's failing check also shows what it does to the book's apple/orange graph, when
    that shows on it: the edges its mistake makes wrong, each with the value expected there."""
    def checked(ctx, *args):
        try:
            check(ctx, *args)
        except CheckFailed:
            apple_graph.attach(ctx, BOOK_ARGS, only_if_wrong=True)
            raise
    return checked


_check_forward = _drawing_the_graph_on_failure(_check_forward)
_check_backward = _drawing_the_graph_on_failure(_check_backward)


def mul_forward(ctx):
    _check_forward(ctx, "MulLayer", np.multiply)


def mul_backward(ctx):
    _check_backward(ctx, "MulLayer", np.multiply)


def add_forward(ctx):
    _check_forward(ctx, "AddLayer", np.add)


def add_backward(ctx):
    _check_backward(ctx, "AddLayer", np.add)


# ---- the apple/orange graph -------------------------------------------------------------

_NAMES = ("price", "dapple", "dapple_num", "dorange", "dorange_num", "dtax")


def _graph_values(apple, apple_num, orange, orange_num, tax) -> tuple:
    total = apple * apple_num + orange * orange_num
    return (total * tax, apple_num * tax, apple * tax, orange_num * tax, orange * tax, total)


BOOK_ARGS = (100, 2, 150, 3, 1.1)


def _graph_from(ctx: CheckContext, args: tuple):
    """The six values in the form the student has: their buy_apple_orange() function, or (for the
    book's script, or no file) the book's graph wired in the worker from their MulLayer and AddLayer."""
    form = ctx.layout.apple_form if ctx.layout is not None else "function"
    if form == "function":
        return ctx.function(ctx.module_of("buy_apple_orange"), "buy_apple_orange", *args)
    ctx.current = "MulLayer, AddLayer (buy_apple_orange)"
    return ctx.session.function("grader.worker_ops_layout", "wire_apple_orange",
                                ctx.module_of("MulLayer"), ctx.module_of("AddLayer"), *args)


def _check_graph(ctx: CheckContext, args: tuple, drawn: bool) -> None:
    """`drawn`: the graph's numbers go to the report whatever the verdict; otherwise only when
    this graph is the one that failed."""
    got = _graph_from(ctx, args)
    if drawn:
        apple_graph.attach(ctx, args, own=got)
    try:
        if not isinstance(got, (tuple, list)) or len(got) != 6:
            raise CheckFailed(Message("expected_six", {"method": "buy_apple_orange"}),
                              Comparison("(price, dapple, ...)", "6 values", preview(got)))
        for name, value, want in zip(_NAMES, got, _graph_values(*args)):
            expect_close(value, np.float64(want), method="buy_apple_orange", quantity=name,
                         threshold=1e-9, allow_scalar_broadcast=True)
    except CheckFailed:
        if not drawn:
            apple_graph.attach(ctx, args, own=got)
        raise


def apple_book_values(ctx):
    if ctx.layout is not None and ctx.layout.apple_form == "script":
        from grader.checks.apple_script import check_script
        printed: dict = {}
        try:
            check_script(ctx, _NAMES, _graph_values(*BOOK_ARGS), printed)
        finally:
            if ctx.session.alive:
                apple_graph.attach(ctx, BOOK_ARGS, own=[printed.get(n) for n in _NAMES])
        return
    _check_graph(ctx, BOOK_ARGS, drawn=True)


def apple_random_values(ctx):
    # Fresh prices and counts from the seed: numbers typed in from the book cannot pass. (The
    # book's script takes no arguments: its layers are tried on the random graphs instead.)
    for _ in range(3):
        args = (int(ctx.rng.integers(50, 500)), int(ctx.rng.integers(1, 9)),
                int(ctx.rng.integers(50, 500)), int(ctx.rng.integers(1, 9)),
                round(float(ctx.rng.uniform(1.01, 1.3)), 3))
        _check_graph(ctx, args, drawn=False)

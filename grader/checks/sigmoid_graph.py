"""The sigmoid as four nodes (extra `sigmoid_graph`): each node on its own, then the chain.

Every node's forward is compared with its closed form and its backward with central differences
of that closed form (float64, inputs away from trouble: 1/x only sees x in [0.5, 3]). The chain's
backward must equal dout * y * (1 - y). The check of the chain also records, for the drawing of
the graph (grader/graph), each edge's forward value and gradient as the student's nodes give
them, one node fed by the one before, beside the values they should have.
"""
from __future__ import annotations

import numpy as np

from grader import reference
from grader.checks.activations import expect_unchanged
from grader.graph import values
from grader.graph.values import number
from grader.checks.context import CheckContext
from grader.compare import GRADIENT_THRESHOLD, VALUE_THRESHOLD, CheckFailed, expect_close
from grader.reference import relative_error
from grader.results import Message
from grader.session import StudentException

SHAPES = ((6,), (3, 4))
EXERCISE = "sigmoid_graph"

# node class: (its function, where its inputs are drawn from)
NODES = {
    "NegLayer": (lambda x: -x, (-3.0, 3.0)),
    "ExpLayer": (np.exp, (-2.0, 2.0)),
    "PlusOneLayer": (lambda x: x + 1.0, (-3.0, 3.0)),
    "ReciprocalLayer": (lambda x: 1.0 / x, (0.5, 3.0)),   # far from the pole at 0
}
# The graph's edges, x --[x(-1)]--> neg --[exp]--> exp --[+1]--> plus1 --[1/x]--> y: the four
# nodes above, in that order, sit between them.
EDGES = values.EDGES["sigmoid"]
GRAPH_X, GRAPH_DOUT = 0.5, 1.0


def _node(ctx: CheckContext, cls: str) -> None:
    fn, (low, high) = NODES[cls]
    module = ctx.module_of(EXERCISE)
    for shape in SHAPES:
        x = ctx.rng.uniform(low, high, size=shape)
        layer = ctx.new(module, cls)
        x_ref = ctx.put(x)
        got = ctx.call(layer, f"{cls}.forward", x_ref)
        expect_close(got, fn(x), method=f"{cls}.forward", quantity="out", threshold=VALUE_THRESHOLD,
                     gradient=False)
        expect_unchanged(ctx, x_ref, x, f"{cls}.forward", "x")
        dout = ctx.rng.normal(size=shape)
        dx = ctx.call(layer, f"{cls}.backward", dout)
        want = reference.backward_of(fn, x, dout)
        try:
            expect_close(dx, want, method=f"{cls}.backward", quantity="dx", threshold=GRADIENT_THRESHOLD)
        except CheckFailed as failure:
            failure.diagnosis = _node_relation(cls, dx, x, dout) or failure.diagnosis
            raise


def _close(got, want) -> bool:
    return (isinstance(got, np.ndarray) and got.shape == np.shape(want)
            and float(relative_error(got.astype(float), want).max()) < 1e-6)


def _node_relation(cls: str, got, x: np.ndarray, dout: np.ndarray) -> Message | None:
    """A wrong node gradient that is a known relative of the right one."""
    if cls == "ReciprocalLayer" and _close(got, -dout / x):
        return Message("diag_reciprocal_not_squared", {})
    if cls == "ExpLayer" and _close(got, dout * x):
        return Message("diag_exp_times_input", {})
    return None


def composed(ctx: CheckContext) -> None:
    """SigmoidGraph: forward is the sigmoid, backward is dout * y * (1 - y)."""
    ctx.notes["graph"] = graph_values(ctx)
    module = ctx.module_of(EXERCISE)
    for shape in SHAPES:
        x = ctx.rng.uniform(-4.0, 4.0, size=shape)
        graph = ctx.new(module, "SigmoidGraph")
        got = ctx.call(graph, "SigmoidGraph.forward", x)
        y = reference.sigmoid(x)
        expect_close(got, y, method="SigmoidGraph.forward", quantity="y", threshold=VALUE_THRESHOLD,
                     gradient=False)
        dout = ctx.rng.normal(size=shape)
        dx = ctx.call(graph, "SigmoidGraph.backward", dout)
        try:
            expect_close(dx, dout * y * (1.0 - y), method="SigmoidGraph.backward", quantity="dx",
                         threshold=GRADIENT_THRESHOLD)
        except CheckFailed as failure:
            if _close(dx, y * (1.0 - y)):
                failure.diagnosis = Message("diag_graph_without_dout", {})
            raise


def graph_values(ctx: CheckContext) -> dict:
    """The graph as the student's nodes compute it, each fed what the one before gave, in the
    shared shape of grader.graph.values (None where a node is unwritten, raised, or gave no
    single finite number)."""
    module = ctx.module_of(EXERCISE)
    forward = {"x": GRAPH_X}
    layers = {}
    value = GRAPH_X
    for cls, edge in zip(NODES, EDGES[1:]):
        if value is not None:
            try:
                layers[cls] = ctx.new(module, cls)
                value = number(ctx.call(layers[cls], f"{cls}.forward", np.float64(value)))
            except StudentException:   # a hole in the drawing; the node's own check says why
                value = None
        forward[edge] = value
    backward = {"y": GRAPH_DOUT}
    grad = GRAPH_DOUT
    for cls, edge, after in zip(reversed(list(NODES)), reversed(EDGES[:-1]), reversed(EDGES[1:])):
        if grad is not None and forward[after] is not None:
            try:
                grad = number(ctx.call(layers[cls], f"{cls}.backward", np.float64(grad)))
            except StudentException:
                grad = None
        else:
            grad = None
        backward[edge] = grad
    ctx.current = ""
    edges = {e: (forward[e], backward[e]) for e in EDGES}
    return values.graph_values("sigmoid", edges, values.sigmoid_expected(GRAPH_X, GRAPH_DOUT))


def neg(ctx):
    _node(ctx, "NegLayer")


def exp(ctx):
    _node(ctx, "ExpLayer")


def plus_one(ctx):
    _node(ctx, "PlusOneLayer")


def reciprocal(ctx):
    _node(ctx, "ReciprocalLayer")

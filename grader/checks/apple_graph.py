"""The apple/orange graph's numbers for the report's drawing (grader.graph), edge by edge.

The worker wires the book's graph from the student's MulLayer and AddLayer and sends back only
numbers (grader.worker_ops_layout.apple_orange_edges); what is expected, and which edge is wrong,
is worked out here in the parent. Drawing never changes a verdict: if the numbers cannot be had,
there is simply no drawing.
"""
from __future__ import annotations

from grader.checks.context import CheckContext
from grader.graph.values import apple_orange_expected, graph_values, number, wrong_edges

# The six values buy_apple_orange returns (or the book's script prints), as (edge, 0 forward /
# 1 backward) of the graph.
SIX = (("price", 0), ("apple", 1), ("apple_num", 1), ("orange", 1), ("orange_num", 1), ("tax", 1))


def attach(ctx: CheckContext, args: tuple, own=None, only_if_wrong: bool = False) -> None:
    """Put the graph for prices and counts `args` in ctx.notes["graph"].

    `own`: the six values (in the order of SIX) the student's own function returned or script
    printed; they replace the wired graph's on their edges, so that the drawing shows the numbers
    the check judged. `only_if_wrong`: attach nothing unless some edge holds a wrong number (a
    layer's failure that does not show on the book's graph is not drawn)."""
    try:
        got = ctx.session.function("grader.worker_ops_layout", "apple_orange_edges",
                                   ctx.module_of("MulLayer"), ctx.module_of("AddLayer"), *args)
    except Exception:     # the layers could not even be imported or made: no drawing
        return
    edges = {}
    if isinstance(got, dict):
        edges = {e: list(pair)[:2] for e, pair in got.items() if isinstance(pair, (list, tuple))}
    if isinstance(own, (tuple, list)) and len(own) == len(SIX):
        for (name, side), value in zip(SIX, own):
            edges.setdefault(name, [None, None])[side] = number(value)
    data = graph_values("apple_orange", edges, apple_orange_expected(*args))
    wrong = wrong_edges(data)
    if only_if_wrong and not any(wrong[e][side] and data["edges"][e][side] is not None
                                 for e in wrong for side in (0, 1)):
        return
    ctx.notes["graph"] = data

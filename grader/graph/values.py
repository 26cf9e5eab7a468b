"""The numbers on a computational graph, as plain JSON-able data shared by checks and writers.

A check that has the student's forward and backward value on each edge of one of the book's
graphs attaches them to `CheckResult.extra["graph"]` in this shape:

    {"name": "apple_orange" | "sigmoid",
     "edges":    {edge_id: [forward_got, backward_got]},
     "expected": {edge_id: [forward_expected, backward_expected]}}

Values are floats, or None where nothing was computed (a student value that is not one finite
number is stored as None too, and so shows as wrong). Lists, not tuples: the verdict cache and the
JSON report round-trip through json, and this shape comes back unchanged.

Edge ids, each named after the value it carries (the backward value is d price / d that value,
or for the Sigmoid d loss / d that value given dout at y):
- apple_orange (figures 5-16/5-17): apple, apple_num, apple_price, orange, orange_num,
  orange_price, all_price, tax, price.
- sigmoid (figure 5-19, x -> x(-1) -> exp -> +1 -> 1/x -> y): x, neg, exp, plus1, y.

Deciding whether an edge is wrong happens in the parent (`wrong`), on numbers only.
"""
from __future__ import annotations

import math
from typing import Any, Mapping

EDGES = {
    "apple_orange": ("apple", "apple_num", "apple_price", "orange", "orange_num", "orange_price",
                     "all_price", "tax", "price"),
    "sigmoid": ("x", "neg", "exp", "plus1", "y"),
}

# Relative tolerance of an edge value; the checks themselves compare more strictly, this only
# decides which edge the drawing marks.
TOLERANCE = 1e-6


def number(value: Any) -> float | None:
    """One finite float from a student's value (a number, a 0-d or one-element array), else None."""
    if value is None or isinstance(value, (bool, str, bytes)):
        return None
    try:
        if hasattr(value, "tolist"):
            value = value.tolist()
        while isinstance(value, (list, tuple)) and len(value) == 1:
            value = value[0]
        result = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return result if math.isfinite(result) else None


def _pairs(name: str, values: Mapping[str, Any] | None) -> dict:
    values = values or {}
    pairs = {}
    for edge in EDGES[name]:
        forward, backward = (list(values.get(edge) or ()) + [None, None])[:2]
        pairs[edge] = [number(forward), number(backward)]
    return pairs


def graph_values(name: str, edges: Mapping[str, Any] | None,
                 expected: Mapping[str, Any] | None) -> dict:
    """The shared shape from {edge_id: (forward, backward)} of what the student got and of what
    was expected. Unknown edge ids are dropped; missing ones become [None, None]."""
    if name not in EDGES:
        raise ValueError(f"unknown graph {name!r}; known: {', '.join(EDGES)}")
    return {"name": name, "edges": _pairs(name, edges), "expected": _pairs(name, expected)}


def read(data: Any) -> dict | None:
    """The shape back from `extra["graph"]` (after a JSON round trip), or None if it is not one."""
    if not isinstance(data, Mapping) or data.get("name") not in EDGES:
        return None
    if not isinstance(data.get("edges"), Mapping) or not isinstance(data.get("expected"), Mapping):
        return None
    return graph_values(data["name"], data["edges"], data["expected"])


def wrong(got: float | None, expected: float | None) -> bool:
    """Whether a student value differs from the expected one (nothing expected: never wrong)."""
    if expected is None:
        return False
    if got is None:
        return True
    return abs(got - expected) > TOLERANCE * max(1.0, abs(expected))


def wrong_edges(data: Mapping) -> dict:
    """{edge_id: (forward_wrong, backward_wrong)} for every edge of `data` (the shared shape)."""
    return {edge: (wrong(got[0], want[0]), wrong(got[1], want[1]))
            for edge, got, want in ((e, data["edges"][e], data["expected"][e]) for e in EDGES[data["name"]])}


# ---- the book's graphs, computed by the grader ---------------------------------------------

def apple_orange_expected(apple: float, apple_num: float, orange: float, orange_num: float,
                          tax: float) -> dict:
    """{edge_id: (forward, backward)} of figure 5-17 for these prices and counts (dprice = 1)."""
    apple_price, orange_price = apple * apple_num, orange * orange_num
    all_price = apple_price + orange_price
    return {
        "apple": (apple, apple_num * tax), "apple_num": (apple_num, apple * tax),
        "apple_price": (apple_price, tax),
        "orange": (orange, orange_num * tax), "orange_num": (orange_num, orange * tax),
        "orange_price": (orange_price, tax),
        "all_price": (all_price, tax), "tax": (tax, all_price), "price": (all_price * tax, 1.0),
    }


def sigmoid_expected(x: float, dout: float = 1.0) -> dict:
    """{edge_id: (forward, backward)} of figure 5-19 at input x, with `dout` arriving at y."""
    neg = -x
    exp = math.exp(neg) if neg < 700 else math.inf
    plus1 = 1.0 + exp
    y = 1.0 / plus1
    d_plus1 = -dout * y * y                # d(1/u)/du = -1/u^2; "+1" passes it on unchanged
    d_neg = -dout * y * (1.0 - y)          # times d exp(u)/du = exp(u), written so a huge exp
                                           # cannot make inf * 0
    return {"x": (x, -d_neg), "neg": (neg, d_neg), "exp": (exp, d_plus1),
            "plus1": (plus1, d_plus1), "y": (y, dout)}

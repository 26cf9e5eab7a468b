"""The shape of the book's graphs: which operations, fed by which values, in which order.

A figure is data: its inputs top to bottom, then its operations, each naming the edges (values)
it takes and the edge it gives. Edge ids are those of grader.graph.values; the last operation's
edge is the figure's output, drawn as an arrow to its name.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Operation:
    id: str
    symbol: str                    # drawn in the node: "×", "+", "exp", "1/x", "×-1", "+1"
    takes: tuple[str, ...]         # edge ids, the first one drawn straight in, the others joining
    gives: str                     # the edge id it outputs


@dataclass(frozen=True)
class Figure:
    name: str
    inputs: tuple[str, ...]        # edge ids of the values fed in, drawn top to bottom
    operations: tuple[Operation, ...]   # in an order where each one's inputs come before it

    @property
    def output(self) -> str:
        return self.operations[-1].gives

    def edges(self) -> tuple[str, ...]:
        return self.inputs + tuple(op.gives for op in self.operations)


FIGURES = {
    # Figures 5-16 and 5-17: two fruit prices, their sum, the consumption tax.
    "apple_orange": Figure(
        "apple_orange", ("apple", "apple_num", "orange", "orange_num", "tax"),
        (Operation("mul_apple", "×", ("apple", "apple_num"), "apple_price"),
         Operation("mul_orange", "×", ("orange", "orange_num"), "orange_price"),
         Operation("add", "+", ("apple_price", "orange_price"), "all_price"),
         Operation("mul_tax", "×", ("all_price", "tax"), "price"))),
    # Figure 5-19: the Sigmoid y = 1 / (1 + exp(-x)), one node per step.
    "sigmoid": Figure(
        "sigmoid", ("x",),
        (Operation("negate", "×-1", ("x",), "neg"),
         Operation("exp", "exp", ("neg",), "exp"),
         Operation("plus1", "+1", ("exp",), "plus1"),
         Operation("reciprocal", "1/x", ("plus1",), "y"))),
}

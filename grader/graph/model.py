"""A graph to draw: the figure's shape with the student's numbers on its edges.

Each edge carries a forward value (drawn above it) and a backward value (below it); each value
is what the student's code gave, what was expected, and whether they differ. The decision is
grader.graph.values.wrong, made here in the parent on plain numbers.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from grader.graph import values
from grader.graph.figures import FIGURES, Figure, Operation


@dataclass(frozen=True)
class Value:
    got: float | None
    expected: float | None

    @property
    def wrong(self) -> bool:
        return values.wrong(self.got, self.expected)


@dataclass(frozen=True)
class Edge:
    id: str
    source: str                   # an operation id, or the edge id itself for an input
    target: str | None            # the operation it feeds; None for the output
    forward: Value
    backward: Value

    @property
    def wrong(self) -> bool:
        return self.forward.wrong or self.backward.wrong


@dataclass(frozen=True)
class Graph:
    figure: Figure
    edges: Mapping[str, Edge]

    @property
    def name(self) -> str:
        return self.figure.name

    @property
    def wrong(self) -> tuple[str, ...]:
        """Ids of the edges with a wrong value, in drawing order."""
        return tuple(e for e in self.figure.edges() if self.edges[e].wrong)

    def origins(self) -> tuple["Origin", ...]:
        """The nodes where a mistake starts: one whose inputs are right but whose output is not
        (going forward), or one given the right gradient that passes a wrong one back (going
        backward). Every wrong value downstream of such a node may be its echo; the node itself
        is where the student's layer went wrong. A value never computed is no evidence either way."""
        found = []
        for op in self.figure.operations:
            out = self.edges[op.gives]
            if all(_right(self.edges[t].forward) for t in op.takes) and out.forward.wrong:
                found.append(Origin(op, "forward", tuple(op.takes), (op.gives,)))
            passed_back = tuple(t for t in op.takes if self.edges[t].backward.wrong)
            if _right(out.backward) and passed_back:
                found.append(Origin(op, "backward", (op.gives,), passed_back))
        return tuple(found)


@dataclass(frozen=True)
class Origin:
    """A node where the values go wrong: it was given `given` (edge ids, right) and gave `gave`
    (edge ids, wrong), in `direction`."""
    operation: Operation
    direction: str       # "forward" or "backward"
    given: tuple[str, ...]
    gave: tuple[str, ...]


def _right(value: Value) -> bool:
    return value.got is not None and value.expected is not None and not value.wrong


def build(data) -> Graph | None:
    """The graph of `extra["graph"]` (grader.graph.values' shape), or None if it is not one."""
    data = values.read(data)
    if data is None:
        return None
    figure = FIGURES[data["name"]]
    sources = {e: e for e in figure.inputs}
    targets: dict[str, str | None] = {}
    for op in figure.operations:
        sources[op.gives] = op.id
        for taken in op.takes:
            targets[taken] = op.id
    edges = {}
    for e in figure.edges():
        got, want = data["edges"][e], data["expected"][e]
        edges[e] = Edge(e, sources[e], targets.get(e), Value(got[0], want[0]), Value(got[1], want[1]))
    return Graph(figure, edges)

"""Where things go, left to right as in the book: columns and tracks, shared by text and SVG.

An input sits in column 0 on its own track, in the figure's order. An operation sits one column
right of its furthest input, on the track of its first input, so the main chain is one straight
line and every other input joins it from below, as in figures 5-16 and 5-17.
"""
from __future__ import annotations

from dataclasses import dataclass

from grader.graph.figures import Figure


@dataclass(frozen=True)
class Placement:
    column: dict[str, int]        # node id (operation id, input edge id, "output") -> column
    track: dict[str, int]         # node id -> track, 0 at the top
    columns: int
    tracks: int


OUTPUT = "output"


def place(figure: Figure) -> Placement:
    column: dict[str, int] = {}
    track: dict[str, int] = {}
    made_by: dict[str, str] = {}      # edge id -> the node it leaves
    for i, name in enumerate(figure.inputs):
        column[name], track[name] = 0, i
        made_by[name] = name
    for op in figure.operations:
        sources = [made_by[e] for e in op.takes]
        column[op.id] = 1 + max(column[s] for s in sources)
        track[op.id] = track[sources[0]]
        made_by[op.gives] = op.id
    last = made_by[figure.output]
    column[OUTPUT], track[OUTPUT] = column[last] + 1, track[last]
    return Placement(column, track, column[OUTPUT] + 1, len(figure.inputs))


def source_node(figure: Figure, edge: str) -> str:
    for op in figure.operations:
        if op.gives == edge:
            return op.id
    return edge


def target_node(figure: Figure, edge: str) -> str:
    for op in figure.operations:
        if edge in op.takes:
            return op.id
    return OUTPUT

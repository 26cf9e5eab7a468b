"""The book's computational graphs, drawn: values on edges (values), layout, text and SVG."""
from __future__ import annotations

from grader.graph.model import Graph, build


def graph_of(check) -> Graph | None:
    """The graph a check attached to its result (extra["graph"]), or None."""
    return build(check.extra.get("graph")) if check.extra else None


def graphs_in(report) -> list[Graph]:
    """One graph per figure: the first with a wrong edge in check order, else the first."""
    found: dict[str, Graph] = {}
    for check in report.checks:
        graph = graph_of(check)
        if graph is not None and (graph.name not in found or (graph.wrong and not found[graph.name].wrong)):
            found[graph.name] = graph
    return list(found.values())

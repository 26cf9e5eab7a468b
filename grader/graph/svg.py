"""The graph as an SVG picture, written with the standard library (`grader check --plot DIR`).

Same placement as the text drawing (grader.graph.layout), on a pixel grid: inputs named at the
left, each operation a circle, forward values above each arrow and backward values below in the
book's red; a wrong value in bold red marked ✘, the expected one beside it in green.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from grader.graph.layout import OUTPUT, place, source_node, target_node
from grader.graph.model import Graph
from grader.graph.numbers import value_texts
from grader.messages import say

# Where --plot writes each figure.
FILE_NAMES = {"apple_orange": "buy_apple_orange_graph.svg", "sigmoid": "sigmoid_graph.svg"}

INPUTS_RIGHT = 110       # right end of the inputs' names
FIRST_COLUMN = 230       # centre of the first operations' column
COLUMN = 150             # between column centres
TOP, TRACK = 90, 96      # the first track's line, then between tracks
RADIUS = 20
FORWARD, BACKWARD, WRONG, EXPECTED, LINE = "#222222", "#b03a2e", "#d00000", "#1a7f37", "#555555"


def _x(column: int) -> float:
    return FIRST_COLUMN + (column - 1) * COLUMN


def _text(parent, x, y, content: str, fill: str = FORWARD, size: int = 14, anchor: str = "middle",
          bold: bool = False):
    node = ET.SubElement(parent, "text", {"x": f"{x:g}", "y": f"{y:g}", "fill": fill,
                                          "font-size": str(size), "text-anchor": anchor})
    if bold:
        node.set("font-weight", "bold")
    node.text = content
    return node


def to_svg(graph: Graph, lang: str = "en") -> str:
    figure = graph.figure
    spot = place(figure)
    width = _x(spot.columns - 1) + 90
    height = TOP + (spot.tracks - 1) * TRACK + 70
    svg = ET.Element("svg", {"xmlns": "http://www.w3.org/2000/svg", "width": f"{width:g}",
                             "height": f"{height:g}", "viewBox": f"0 0 {width:g} {height:g}",
                             "font-family": "sans-serif"})
    defs = ET.SubElement(svg, "defs")
    marker = ET.SubElement(defs, "marker", {"id": "arrow", "viewBox": "0 0 10 10", "refX": "10",
                                            "refY": "5", "markerWidth": "7", "markerHeight": "7",
                                            "orient": "auto"})
    ET.SubElement(marker, "path", {"d": "M 0 0 L 10 5 L 0 10 z", "fill": LINE})
    _text(svg, 10, 22, say("graph.figure." + graph.name, lang) + ": " + say("graph.legend", lang),
          size=13, anchor="start", fill=LINE)
    if graph.wrong:
        _text(svg, 10, 40, say("graph.wrong", lang), size=13, anchor="start", fill=WRONG)

    def y_of(node: str) -> float:
        return TOP + spot.track[node] * TRACK

    for e in figure.edges():
        source, target = source_node(figure, e), target_node(figure, e)
        y, end_y = y_of(source), y_of(target)
        start = INPUTS_RIGHT + 8 if source in figure.inputs else _x(spot.column[source]) + RADIUS
        if target == OUTPUT:
            end = _x(spot.column[OUTPUT]) - 26
            points = [(start, y), (end, y)]
        elif end_y == y:
            end = _x(spot.column[target]) - RADIUS
            points = [(start, y), (end, y)]
        else:         # joins its operation from below (or above)
            end = _x(spot.column[target])
            points = [(start, y), (end, y), (end, end_y + (RADIUS if end_y < y else -RADIUS))]
        ET.SubElement(svg, "polyline", {"points": " ".join(f"{px:g},{py:g}" for px, py in points),
                                        "fill": "none", "stroke": LINE, "stroke-width": "1.5",
                                        "marker-end": "url(#arrow)", "data-edge": e})
        middle = (start + end) / 2
        edge = graph.edges[e]
        for value, dy, dy_expected, colour in ((edge.forward, -8, -26, FORWARD),
                                               (edge.backward, 20, 38, BACKWARD)):
            got, expected = value_texts(value)
            _text(svg, middle, y + dy, got, WRONG if expected else colour, bold=bool(expected))
            if expected:
                _text(svg, middle, y + dy_expected, expected, EXPECTED)
    for name in figure.inputs:
        _text(svg, INPUTS_RIGHT, y_of(name) + 5, name, anchor="end", bold=True)
    for op in figure.operations:
        cx, cy = _x(spot.column[op.id]), y_of(op.id)
        ET.SubElement(svg, "circle", {"cx": f"{cx:g}", "cy": f"{cy:g}", "r": str(RADIUS),
                                      "fill": "white", "stroke": FORWARD, "stroke-width": "1.5"})
        _text(svg, cx, cy + 5, op.symbol, size=16 if len(op.symbol) == 1 else 12, bold=True)
    _text(svg, _x(spot.column[OUTPUT]) - 20, y_of(OUTPUT) + 5, figure.output, anchor="start", bold=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(svg, encoding="unicode") + "\n"


def write_graphs(report, folder: Path, lang: str = "en") -> list[Path]:
    """An SVG file in `folder` for each graph the report has (grader.graph.graphs_in)."""
    from grader.graph import graphs_in
    written = []
    for graph in graphs_in(report):
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / FILE_NAMES.get(graph.name, f"{graph.name}_graph.svg")
        path.write_text(to_svg(graph, lang), encoding="utf-8")
        written.append(path)
    return written

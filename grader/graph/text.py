"""The graph drawn as text, for a terminal or a notebook: forward values above each line,
backward values below, a wrong value marked ✘ with the expected one in parentheses beside it.

The drawing is a grid of characters, each with a style. On a console that is not UTF-8 its lines
and symbols become ASCII (grader.report.console.plain_drawing), as rich draws its own boxes there;
a drawing wider than the console becomes a table of edges instead, which any width can show.
"""
from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from grader.graph.layout import OUTPUT, place, source_node, target_node
from grader.graph.model import Edge, Graph, Origin
from grader.graph.numbers import value_texts
from grader.messages import say
from grader.report.console import is_unicode, plain_drawing

FORWARD, BACKWARD, WRONG, EXPECTED = "bold", "magenta", "bold red", "green"
LINE, NODE, NAME = "dim", "bold cyan", "bold"
MIN_RUN = 4        # the shortest line between two nodes


@dataclass
class _Labels:
    forward: str
    forward_expected: str | None
    backward: str
    backward_expected: str | None

    @property
    def width(self) -> int:
        texts = (self.forward, self.forward_expected, self.backward, self.backward_expected)
        return max(cell_len(t) for t in texts if t is not None)


class _Grid:
    def __init__(self, width: int, height: int):
        self.cells = [[(" ", "")] * width for _ in range(height)]

    def put(self, x: int, y: int, text: str, style: str = "") -> None:
        row = self.cells[y]
        for i, ch in enumerate(text):
            if 0 <= x + i < len(row):
                row[x + i] = (ch, style)

    def free(self, x: int, y: int, width: int) -> bool:
        return all(self.cells[y][x + i][0] == " " for i in range(width) if x + i < len(self.cells[y]))

    def lines(self, plain: bool) -> list[Text]:
        out = []
        for row in self.cells:
            text = Text(no_wrap=True, overflow="crop")
            for ch, style in row:
                text.append(plain_drawing(ch) if plain else ch, style or None)
            text.rstrip()
            out.append(text)
        return out


def _glyph(graph: Graph, node: str) -> str:
    if node == OUTPUT:
        return "→ " + graph.figure.output
    for op in graph.figure.operations:
        if op.id == node:
            return f"({op.symbol})"
    return node      # an input: its name


def draw(graph: Graph) -> _Grid:
    figure = graph.figure
    spot = place(figure)
    labels = {e: _Labels(*value_texts(graph.edges[e].forward), *value_texts(graph.edges[e].backward))
              for e in figure.edges()}
    runs = {e: source_node(figure, e) for e in figure.edges()}    # each edge runs on its source's track

    # Lines of each track: expected values get a line of their own only where one is wrong.
    above, below = [1] * spot.tracks, [1] * spot.tracks
    for e, source in runs.items():
        t = spot.track[source]
        above[t] = max(above[t], 2 if labels[e].forward_expected else 1)
        below[t] = max(below[t], 2 if labels[e].backward_expected else 1)
    line, y = {}, 0
    for t in range(spot.tracks):
        line[t] = y + above[t]
        y = line[t] + below[t] + 1
    height = y

    # Columns left to right: each wide enough for the labels of the edges that end in it.
    left: dict[str, int] = {}
    right: dict[str, int] = {}
    for name in figure.inputs:
        left[name], right[name] = 0, cell_len(name) + 1
    for column in range(1, spot.columns):
        nodes = [n for n, c in spot.column.items() if c == column]
        x = max(right[n] for n, c in spot.column.items() if c == column - 1) + 2
        for node in nodes:
            half = cell_len(_glyph(graph, node)) // 2
            for e in (e for e in figure.edges() if target_node(figure, e) == node):
                run = max(MIN_RUN, labels[e].width + 2)
                joins = spot.track[runs[e]] != spot.track[node]
                x = max(x, right[runs[e]] + run - (half if joins else 0))
        for node in nodes:
            left[node], right[node] = x, x + cell_len(_glyph(graph, node))

    grid = _Grid(max(right.values()), height)
    spans = {}
    for e in figure.edges():
        source, target = runs[e], target_node(figure, e)
        y, end_y = line[spot.track[source]], line[spot.track[target]]
        start = right[source]
        end = left[target] if y == end_y else left[target] + cell_len(_glyph(graph, target)) // 2
        grid.put(start, y, "─" * (end - start), LINE)
        spans[e] = (start, end, y)
    for e, (start, end, y) in spans.items():
        end_y = line[spot.track[target_node(figure, e)]]
        if end_y != y:      # joins its node from below (or above), crossing what lies between
            grid.put(end, y, "┘" if end_y < y else "┐", LINE)
            step = -1 if end_y < y else 1
            for yy in range(y + step, end_y, step):
                crossing = grid.cells[yy][end][0] == "─"
                grid.put(end, yy, "┼" if crossing else "│", LINE)
    for node, x in left.items():
        grid.put(x, line[spot.track[node]], _glyph(graph, node),
                 NAME if node in figure.inputs or node == OUTPUT else NODE)
    for e, (start, end, y) in spans.items():
        lab, edge = labels[e], graph.edges[e]
        _label(grid, start, end, y - 1, lab.forward, WRONG if edge.forward.wrong else FORWARD)
        _label(grid, start, end, y - 2, lab.forward_expected, EXPECTED)
        _label(grid, start, end, y + 1, lab.backward, WRONG if edge.backward.wrong else BACKWARD)
        _label(grid, start, end, y + 2, lab.backward_expected, EXPECTED)
    return grid


def _label(grid: _Grid, start: int, end: int, y: int, text: str | None, style: str) -> None:
    """`text` centred over the run [start, end) on line y, moved aside if a line crosses there."""
    if text is None:
        return
    width = cell_len(text)
    x = start + max(0, (end - start - width + 1) // 2)
    for candidate in [x] + [x - d for d in range(1, x - start + 1)] + [x + d for d in range(1, 4)]:
        if grid.free(candidate, y, width):
            x = candidate
            break
    grid.put(x, y, text, style)


def edge_table(graph: Graph, lang: str) -> Table:
    """The same values as a table, one edge a row: for consoles too narrow for the drawing."""
    table = Table(box=None, pad_edge=False, show_header=True)
    table.add_column(say("graph.value", lang), style=NAME)
    table.add_column(say("graph.forward", lang), justify="right")
    table.add_column(say("graph.backward", lang), justify="right")
    for e in graph.figure.edges():
        edge = graph.edges[e]
        table.add_row(e, _cell(edge, "forward"), _cell(edge, "backward"))
    return table


def _cell(edge: Edge, which: str) -> Text:
    value = getattr(edge, which)
    got, expected = value_texts(value)
    text = Text(got, style=WRONG if expected else (FORWARD if which == "forward" else BACKWARD))
    if expected:
        text.append(" " + expected, style=EXPECTED)
    return text


class GraphView:
    """A graph as a rich renderable: the drawing, its caption and, when something is wrong, how
    to read the marks."""

    def __init__(self, graph: Graph, lang: str = "en"):
        self.graph = graph
        self.lang = lang

    def caption(self, plain: bool = False) -> Text:
        """What the drawing shows; `plain`: the node symbols in the sentences as ASCII too, as
        on the drawing of a console that is not UTF-8."""
        caption = Text(say("graph.figure." + self.graph.name, self.lang) + ": " + say("graph.legend", self.lang),
                       style="dim")
        if self.graph.wrong:
            caption.append("\n" + say("graph.wrong", self.lang), style="red")
        for origin in self.graph.origins():
            sentence = origin_sentence(self.graph, origin, self.lang)
            caption.append("\n" + (plain_drawing(sentence) if plain else sentence), style="bold red")
        return caption

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        grid = draw(self.graph)
        width = len(grid.cells[0]) if grid.cells else 0
        plain = not is_unicode(options.encoding)
        yield self.caption(plain)
        if width > options.max_width:
            yield edge_table(self.graph, self.lang)
            return
        yield from grid.lines(plain=plain)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        grid = draw(self.graph)
        width = len(grid.cells[0]) if grid.cells else 0
        return Measurement(min(width, options.max_width), max(width, min(options.max_width, 80)))


def origin_sentence(graph: Graph, origin: Origin, lang: str) -> str:
    """Where the values first go wrong, with the values that show it."""
    def values(edges) -> str:
        texts = []
        for e in edges:
            value = getattr(graph.edges[e], origin.direction)
            got, expected = value_texts(value)
            name = e if origin.direction == "forward" else "d" + e
            texts.append(f"{name} = {got}" + (f" {expected}" if expected else ""))
        return ", ".join(texts)
    op = origin.operation
    words = dict(symbol=op.symbol, inputs=", ".join(op.takes), given=values(origin.given),
                 gave=values(origin.gave))
    if origin.direction == "forward":
        return say("graph.origin_forward", lang, **words)
    return say("graph.origin_backward", lang, **words)


def one_line(graph: Graph, lang: str) -> str:
    """A passing graph in a line: the output's value and the gradient reaching each input."""
    figure = graph.figure
    values = [f"{figure.output} {value_texts(graph.edges[figure.output].forward)[0]}"]
    values += [f"d{e} {value_texts(graph.edges[e].backward)[0]}" for e in figure.inputs]
    return say("graph.passed", lang, figure=say("graph.figure." + graph.name, lang),
               values=", ".join(values))

"""The computational graph drawn: as text at 80 columns (UTF-8 and legacy consoles), as SVG,
and from the check's numbers alone (formatter tests: no grading runs here)."""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from rich.console import Console

from grader.graph.model import build
from grader.graph.svg import to_svg
from grader.graph.text import GraphView, one_line
from grader.graph.values import apple_orange_expected, graph_values, sigmoid_expected
from grader.report.console import Fitted

BOOK = apple_orange_expected(100, 2, 150, 3, 1.1)
SVG = "{http://www.w3.org/2000/svg}"


def drawn(graph, width: int = 80, encoding: str | None = None, lang: str = "en") -> str:
    if encoding is None:
        out = io.StringIO()
        Console(file=out, width=width, color_system=None).print(GraphView(graph, lang))
        return out.getvalue()
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding)
    Console(file=stream, width=width, color_system=None, legacy_windows=False).print(
        Fitted(GraphView(graph, lang)))
    stream.flush()
    return raw.getvalue().decode(encoding)    # strict: every character is the console's own


def apple(got=None):
    return build(graph_values("apple_orange", dict(BOOK, **(got or {})), BOOK))


def line_with(text: str, needle: str) -> str:
    return next(line for line in text.splitlines() if needle in line)


def test_the_books_values_are_on_their_edges():
    text = drawn(apple())
    assert max(len(line) for line in text.splitlines()) <= 80
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("apple ─"))
    assert lines[at - 1].split() == ["100", "200", "650", "715"]     # above the main chain
    main = lines[at]
    assert main.index("(×)") < main.index("(+)") < main.rindex("(×)") < main.index("→ price")
    below = lines[at + 1]
    assert below.replace("│", " ").split() == ["2.2", "1.1", "1.1", "1"]
    for name, backward in (("apple_num", "110"), ("orange", "3.3"), ("orange_num", "165"), ("tax", "650")):
        lines = text.splitlines()
        at = next(i for i, line in enumerate(lines) if line.startswith(name + " "))
        assert backward in lines[at + 1].split(), (name, lines[at + 1])
    assert "✘" not in text


def test_a_wrong_edge_is_marked_with_its_expected_value():
    # MulLayer's dx and dy swapped: the tax node sends 650 back into the + and 1.1 to tax.
    text = drawn(apple({"all_price": (650, 650.0), "tax": (1.1, 1.1)}))
    assert "✘650" in text and "(1.1)" in text and "✘1.1" in text and "(650)" in text
    # the two edges, the caption saying what ✘ means, and the sentence naming the node where
    # the values first go wrong (the tax node), with the two values it passed back
    assert text.count("✘") == 5
    tax = text.splitlines()
    at = next(i for i, line in enumerate(tax) if line.startswith("tax "))
    assert "✘1.1" in tax[at + 1] and "(650)" in tax[at + 2]     # below its own line
    assert "expected" in text and max(len(line) for line in tax) <= 80


def test_a_wrong_value_gets_the_digits_that_tell_it_apart():
    text = drawn(apple({"price": (715.01, 1.0)}))
    assert "✘715.01" in text and "(715)" in text


def test_a_missing_value_shows_as_a_question_mark():
    graph = build(graph_values("apple_orange", {"apple": (100, None)}, BOOK))
    assert "✘?" in drawn(graph)


@pytest.mark.parametrize("encoding", ["cp932", "cp437", "cp1252"])
def test_legacy_consoles_get_ascii_stand_ins_of_the_same_width(encoding):
    graph = apple({"tax": (1.1, 1.1)})
    plain, fancy = drawn(graph, encoding=encoding), drawn(graph)
    assert "(*)" in plain and "-> price" in plain and "x1.1" in plain and "(650)" in plain
    assert not set("─│┘┐┼→×✘") & set(plain)
    drawing = [line for line in plain.splitlines() if "(*)" in line or "price" in line]
    assert [len(line) for line in drawing] == \
        [len(line) for line in fancy.splitlines() if "(×)" in line or "price" in line]


def test_sigmoid_graph_from_the_shared_format():
    want = sigmoid_expected(0.5)
    text = drawn(build(graph_values("sigmoid", want, want)))
    chain = line_with(text, "(×-1)")
    for node in ("(×-1)", "(exp)", "(+1)", "(1/x)", "→ y"):
        assert node in chain
    assert "0.6225" in text and "0.235" in text and "-0.3875" in text and "✘" not in text
    wrong = drawn(build(graph_values("sigmoid", dict(want, exp=(0.7, -0.3)), want)))
    assert "✘0.7" in wrong and "(0.6065)" in wrong and "(-0.3875)" in wrong
    assert max(len(line) for line in wrong.splitlines()) <= 80


def test_a_console_too_narrow_gets_a_table_of_the_edges():
    text = drawn(apple({"tax": (1.1, 1.1)}), width=40)
    assert "(×)─" not in text and "→ price" not in text      # no drawing: a table
    tax = line_with(text, "tax ")
    assert "1.1" in tax and "✘1.1" in tax and "(650)" in tax


def test_captions_in_the_readers_language():
    text = drawn(apple({"tax": (1.1, 1.1)}), lang="ja")
    assert "計算グラフ" in text and "順伝播" in text and "期待値" in text
    assert "715" in one_line(apple(), "en") and "dtax 650" in one_line(apple(), "en")


def test_svg_parses_and_carries_the_values():
    svg = ET.fromstring(to_svg(apple({"tax": (1.1, 1.1)}), "en").encode("utf-8"))
    texts = [t.text for t in svg.iter(SVG + "text")]
    for value in ("100", "2.2", "110", "3.3", "165", "715", "apple_num", "price"):
        assert value in texts, value
    assert "✘1.1" in texts and "(650)" in texts
    assert len(list(svg.iter(SVG + "circle"))) == 4
    assert {p.get("data-edge") for p in svg.iter(SVG + "polyline")} == set(BOOK)


def test_svg_of_the_sigmoid():
    want = sigmoid_expected(-1.0)
    svg = ET.fromstring(to_svg(build(graph_values("sigmoid", want, want)), "ko").encode("utf-8"))
    texts = [t.text for t in svg.iter(SVG + "text")]
    assert "exp" in texts and "1/x" in texts and "0.2689" in texts


def readme_block(after: str, indent: str = "") -> list[str]:
    from tests.conftest import ROOT
    readme = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(readme) if after in line)
    first = next(i for i in range(start, len(readme)) if readme[i].strip() == "```") + 1
    last = next(i for i in range(first, len(readme)) if readme[i].strip() == "```")
    return [line[len(indent):] for line in readme[first:last]]


@pytest.mark.parametrize("lang, after, indent", [("en", "Here `AddLayer.backward` returns", ""),
                                                 ("ja", "例: `AddLayer.backward`", "   ")])
def test_the_readme_shows_what_the_report_draws(lang, after, indent):
    # AddLayer.backward returning dout / 2 twice, on the book's graph (a panel's 76 columns).
    halved = {"apple_price": (200, 0.55), "orange_price": (450, 0.55), "apple": (100, 1.1),
              "apple_num": (2, 55.0), "orange": (150, 1.65), "orange_num": (3, 82.5)}
    text = drawn(apple(halved), width=76, lang=lang)
    assert [line.rstrip() for line in text.splitlines()] == readme_block(after, indent)


# ---- where the values first go wrong --------------------------------------------------------

def test_a_mistake_is_traced_to_the_node_where_it_starts():
    # MulLayer.backward returning dout * x for dx: the tax node, given dprice = 1, passes back
    # 650 for all_price; everything behind it inherits that and is not a second origin.
    swapped = {"all_price": (650, 650.0), "apple_price": (200, 650.0), "orange_price": (450, 650.0),
               "apple": (100, 650.0 * 2), "apple_num": (2, 650.0 * 100),
               "orange": (150, 650.0 * 3), "orange_num": (3, 650.0 * 150)}
    graph = apple(swapped)
    [origin] = graph.origins()
    assert (origin.operation.id, origin.direction, origin.given, origin.gave) == \
        ("mul_tax", "backward", ("price",), ("all_price",))
    text = " ".join(drawn(graph).split())
    assert ("Going backward, the values first go wrong at the (×) node of all_price, tax: it was given "
            "dprice = 1, which is right, and passed back dall_price = ✘650 (1.1).") in text


def test_a_forward_mistake_is_traced_to_its_node():
    # AddLayer.forward subtracting: 200 - 450 on the right inputs; the tax node multiplies it on.
    graph = apple({"all_price": (-250, 1.1), "price": (-275, 1.0)})
    [origin] = graph.origins()
    assert (origin.operation.id, origin.direction, origin.given, origin.gave) == \
        ("add", "forward", ("apple_price", "orange_price"), ("all_price",))
    assert "apple_price = 200, orange_price = 450" in " ".join(drawn(graph, lang="en").split())


def test_no_origin_without_the_evidence():
    assert apple().origins() == ()                                    # nothing wrong
    # The + gave no number from right inputs: it is where things go wrong. The tax node after
    # it also gives a wrong price, but from an input that is not a number it cannot be blamed.
    unknown = apple({"all_price": (None, 1.1), "price": (500, 1.0)})
    assert [(o.operation.id, o.direction) for o in unknown.origins()] == [("add", "forward")]
    assert "first go wrong" not in drawn(apple())


@pytest.mark.parametrize("lang", ["ja", "ko", "zh"])
def test_the_origin_is_said_in_every_language(lang):
    graph = apple({"all_price": (-250, 1.1), "price": (-275, 1.0)})
    text = "".join(drawn(graph, width=200, lang=lang).split())
    assert "(+)" in text and "all_price=✘-250(650)" in text

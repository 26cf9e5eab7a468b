"""The graph in real reports: a compact line when buy_apple_orange passes, drawn in full in the
panel of a failing check with the wrong edges marked, in a notebook, and as SVG with --plot."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from grader import check
from grader.cli import main
from tests.book_layout import BUY_APPLE_ORANGE_SCRIPT, build_book_repository
from tests.conftest import SOLUTIONS, mutate
from tests.corpus.bugs import BUGS

SVG = "{http://www.w3.org/2000/svg}"


def report_text(capsys, *args) -> tuple[int, str]:
    code = main(["check", *map(str, args), "--lang", "en", "--no-cache"])
    return code, capsys.readouterr().out


def with_bug(folder, bug_id: str):
    bug = next(b for b in BUGS if b.id == bug_id)
    return mutate(folder, bug.file, bug.old, bug.new)


def below(text: str, start: str, offset: int) -> str:
    """The line `offset` lines under the one whose drawing begins with `start` (inside a panel)."""
    lines = [line.strip("│ ") for line in text.splitlines()]
    at = next(i for i, line in enumerate(lines) if line.startswith(start + " ─"))
    return lines[at + offset]


def test_a_passing_graph_is_one_line_in_the_terminal_and_svg_with_plot(capsys, tmp_path):
    code, out = report_text(capsys, SOLUTIONS, "buy_apple_orange", "--plot", tmp_path / "pictures")
    assert code == 0
    assert "The apple/orange graph" in out and "price 715" in out and "dapple 2.2" in out
    assert "dtax 650" in out and "(×)" not in out          # compact: no drawing when all is right
    svg = ET.fromstring((tmp_path / "pictures" / "buy_apple_orange_graph.svg").read_bytes())
    texts = [t.text for t in svg.iter(SVG + "text")]
    assert {"715", "2.2", "110", "3.3", "165", "650"} <= set(texts) and not any("✘" in t for t in texts)


def test_mul_layer_backward_swapped_marks_the_taxed_edges(capsys, solutions_copy, tmp_path):
    with_bug(solutions_copy, "mul_swapped_gradients")
    code, out = report_text(capsys, solutions_copy, "MulLayer", "--plot", tmp_path)
    assert code == 1 and "MulLayer.backward (layers.py)" in out
    # The tax node sends 650 back to the + (1.1 expected) and 1.1 to tax (650 expected).
    assert "✘1.1" in below(out, "tax", 1) and "(650)" in below(out, "tax", 2)
    assert "✘650" in below(out, "apple", 1) and "(1.1)" in below(out, "apple", 2)
    assert below(out, "apple", -1).split() == ["100", "200", "650", "715"]     # forward: right
    svg = ET.fromstring((tmp_path / "buy_apple_orange_graph.svg").read_bytes())
    texts = [t.text for t in svg.iter(SVG + "text")]
    assert "✘1.1" in texts and "(650)" in texts


def test_add_layer_backward_halved_marks_both_branches(capsys, solutions_copy):
    with_bug(solutions_copy, "add_backward_halves")
    code, out = report_text(capsys, solutions_copy, "AddLayer")
    assert code == 1 and "AddLayer.backward (layers.py)" in out
    assert "✘0.55" in below(out, "apple", 1) and "(1.1)" in below(out, "apple", 2)
    assert "✘0.55" in below(out, "orange", 1)
    assert "✘1.1" in below(out, "apple", 1) and "(2.2)" in below(out, "apple", 2)
    assert "✘" not in below(out, "tax", 1)           # dtax does not go through the +


def test_the_students_own_function_values_are_drawn(capsys, solutions_copy):
    with_bug(solutions_copy, "apple_backward_skips_tax")
    code, out = report_text(capsys, solutions_copy, "buy_apple_orange")
    assert code == 1 and "buy_apple_orange.book_values" in out
    assert "✘2 " in below(out, "apple", 1) + " " and "(2.2)" in below(out, "apple", 2)
    assert "✘150" in below(out, "orange_num", 1) and "(165)" in below(out, "orange_num", 2)
    assert "650" in below(out, "tax", 1) and "✘" not in below(out, "tax", 1)


def test_the_books_script_printing_a_wrong_value(capsys, tmp_path):
    script = BUY_APPLE_ORANGE_SCRIPT.replace('print("dApple:", dapple)', 'print("dApple:", dapple * 2)')
    ch05 = build_book_repository(tmp_path / "book", script)
    code, out = report_text(capsys, ch05, "buy_apple_orange")
    assert code == 1
    assert "✘4.4" in below(out, "apple", 1) and "(2.2)" in below(out, "apple", 2)
    assert "✘" not in below(out, "apple_num", 1)


def test_no_file_the_grader_wires_the_graph(capsys, solutions_copy):
    (solutions_copy / "buy_apple_orange.py").unlink()
    code, out = main(["check", str(solutions_copy), "buy_apple_orange", "--format", "json",
                      "--no-cache"]), capsys.readouterr().out
    graph = next(t for t in json.loads(out)["tests"] if t["name"] == "buy_apple_orange: book_values")
    data = graph["extra_data"]["graph"]
    assert code == 0 and data["name"] == "apple_orange"
    assert data["edges"]["all_price"] == [650.0, 1.1] and data["edges"]["tax"] == [1.1, 650.0]
    assert data["edges"] == data["expected"] or all(
        abs(a - b) < 1e-9 for e in data["edges"] for a, b in zip(data["edges"][e], data["expected"][e]))


def test_a_notebook_draws_a_passing_graph_in_full():
    bundle = check(str(SOLUTIONS), "buy_apple_orange", lang="en")._repr_mimebundle_()
    assert "(×)" in bundle["text/plain"] and "715" in bundle["text/plain"]
    assert "apple_num" in bundle["text/html"]


def test_the_graph_survives_the_verdict_cache(capsys, solutions_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path / "cache"))
    with_bug(solutions_copy, "add_backward_halves")
    outputs = []
    for _ in range(2):
        main(["check", str(solutions_copy), "AddLayer", "--lang", "en"])
        outputs.append(capsys.readouterr().out)
    assert "not graded again" in outputs[1]
    assert "✘0.55" in below(outputs[1], "apple", 1) and below(outputs[0], "tax", 0) == below(outputs[1], "tax", 0)

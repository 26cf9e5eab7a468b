"""The extra `sigmoid_graph`: four nodes checked one by one, the chain, and the graph's values."""
from __future__ import annotations

import json

import numpy as np

from grader.checks.sigmoid_graph import EDGES
from grader.graph.values import wrong_edges
from grader.results import State
from grader.runner import run
from tests.conftest import EXERCISES, copy_submission, mutate


def _graph(report) -> dict:
    result = next(e for e in report.exercises if e.exercise == "sigmoid_graph")
    return next(c for c in result.checks if c.check == "composed").extra["graph"]


def test_the_solution_passes_and_its_graph_is_the_expected_one(solutions_copy):
    report = run(solutions_copy, ["sigmoid_graph"])
    assert report.exercises[0].state is State.PASSED
    graph = _graph(report)
    json.dumps(graph, allow_nan=False)   # plain JSON for the drawing
    assert graph["name"] == "sigmoid" and list(graph["edges"]) == list(EDGES)
    for edge in EDGES:
        assert np.allclose(graph["edges"][edge], graph["expected"][edge], rtol=1e-12), edge
    assert not any(any(pair) for pair in wrong_edges(graph).values())


def test_the_graph_has_holes_where_nodes_are_unwritten(tmp_path):
    """ExpLayer written, the rest still stubs: x and the first node's output are unknown past
    the first stub, and the report says which method to write first."""
    folder = copy_submission(EXERCISES, tmp_path / "work")
    source = (folder / "sigmoid_graph.py").read_text(encoding="utf-8")
    start = source.index("        raise NotImplementedError('NegLayer.forward")
    end = source.index("\n", start)
    (folder / "sigmoid_graph.py").write_text(source[:start] + "        return -x" + source[end:], encoding="utf-8")
    report = run(folder)
    assert report.exercises[-1].exercise == "sigmoid_graph"   # written, so graded, after the core
    checks = {c.check: c for c in report.exercises[-1].checks}
    assert checks["neg"].state is State.NOT_STARTED and checks["neg"].message.params["method"] == "NegLayer.backward"
    assert checks["composed"].state is State.NOT_STARTED
    edges = checks["composed"].extra["graph"]["edges"]
    assert edges["x"][0] == 0.5 and edges["neg"][0] == -0.5
    assert edges["exp"] == [None, None] and edges["y"] == [None, 1.0] and edges["x"][1] is None


def test_a_wrong_node_is_blamed_on_its_own_line(solutions_copy):
    mutate(solutions_copy, "sigmoid_graph.py", "        return -dout * self.out ** 2  # d(1/x)/dx = -1/x**2 = -y**2",
           "        return -dout * self.out")
    report = run(solutions_copy, ["sigmoid_graph"])
    checks = {c.check: c for c in report.exercises[0].checks}
    assert [c for c, r in checks.items() if r.state is not State.PASSED] == ["reciprocal", "composed"]
    where = checks["reciprocal"].location[0]
    assert where.file == "sigmoid_graph.py" and where.code == "return -dout * self.out"
    assert checks["reciprocal"].comparison.quantity == "dx"
    wrong = wrong_edges(checks["composed"].extra["graph"])
    assert wrong["plus1"] == (False, True) and wrong["y"] == (False, False) and wrong["x"] == (False, True)


def test_the_book_layout_finds_the_extra_in_ch05(tmp_path):
    from tests.book_layout import build_book_repository
    from tests.conftest import SOLUTIONS
    chapter = build_book_repository(tmp_path / "repo")
    (chapter / "sigmoid_graph.py").write_text((SOLUTIONS / "sigmoid_graph.py").read_text(encoding="utf-8"),
                                              encoding="utf-8")
    report = run(chapter, ["sigmoid_graph", "Sigmoid"])
    assert {e.exercise: e.state for e in report.exercises} == {"Sigmoid": State.PASSED,
                                                               "sigmoid_graph": State.PASSED}
    assert report.exercises[-1].file == "ch05/sigmoid_graph.py"


def test_a_failing_node_is_shown_on_the_drawn_graph(solutions_copy):
    # The reciprocal node's own check fails; the chain's check holds the graph, and the failing
    # node's panel draws it, saying where the values first go wrong.
    import io

    from rich.console import Console

    from grader.report import rich_report
    mutate(solutions_copy, "sigmoid_graph.py", "        return -dout * self.out ** 2",
           "        return dout * self.out ** 2")
    out = io.StringIO()
    Console(file=out, width=100, color_system=None).print(
        rich_report.render(run(solutions_copy, ["sigmoid_graph"]), "en"))
    text = " ".join(out.getvalue().replace("│", " ").split())
    assert "ReciprocalLayer.backward" in text and "The Sigmoid graph (figure 5-19)" in text
    assert "the values first go wrong at the (1/x) node of plus1" in text and "✘0.3875 (-0.3875)" in text

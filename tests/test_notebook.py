"""`from grader import check` in Jupyter and Colab: results as attributes, a rich report as HTML."""
from grader import check
from tests.conftest import SOLUTIONS


def test_check_returns_results_and_renders():
    result = check(str(SOLUTIONS), "Relu", lang="en")
    assert result.score == result.max_score == 8
    assert [e.exercise for e in result.exercises] == ["Relu"]
    bundle = result._repr_mimebundle_()
    assert "Relu" in bundle["text/plain"] and "<" in bundle["text/html"]
    assert "8/8" in bundle["text/html"]
    assert repr(result).startswith("<grader report 8/8")

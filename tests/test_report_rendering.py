"""The terminal report as a student reads it, in both languages, at a fixed width."""
from __future__ import annotations

import io

import pytest
from rich.console import Console

from grader.report import rich_report
from grader.runner import run
from tests.conftest import EXERCISES, mutate
from tests.report_fixtures import sample_report


def rendered(report, lang: str, width: int = 100) -> str:
    console = Console(file=io.StringIO(), width=width, no_color=True, color_system=None)
    console.print(rich_report.render(report, lang))
    return console.file.getvalue()


def test_english_report_shows_expected_got_line_and_hint():
    text = rendered(sample_report(), "en")
    for words in ("Relu", "failed", "dx expected", "dx got", "layers.py:42", "dout[~self.mask] = 0",
                  "the mask is inverted", "Hint:", "ValueError: shapes", "debug print <&>", "Score: 3 / 42",
                  "Next: Relu in layers.py"):
        assert words in text, words


def test_japanese_report():
    text = rendered(sample_report(), "ja")
    for words in ("課題", "不合格", "期待値", "マスクが逆", "ヒント", "得点: 3 / 42", "あなたのコード"):
        assert words in text, words


@pytest.mark.parametrize("lang, words", [("en", "Nothing written yet: start with MulLayer"),
                                         ("ja", "まず layers.py の MulLayer から")])
def test_untouched_stubs_say_where_to_begin(lang, words):
    assert words in rendered(run(EXERCISES), lang)


def test_a_real_failure_renders_the_students_line(solutions_copy):
    mutate(solutions_copy, "layers.py", "        self.db = np.sum(dout, axis=0)", "        self.db = dout.sum()")
    text = rendered(run(solutions_copy, ["Affine"]), "en")
    assert "Affine.backward" in text and "db" in text and "layers.py:" in text


def test_learning_curve_sparkline():
    assert rich_report.sparkline([0.8, 0.9, 1.0], low=0.8, high=1.0) == "▁▅█"
    assert len(rich_report.sparkline([0.5] * 500, width=60)) == 60


def test_learning_curve_is_drawn_against_iterations():
    """Measurements are sparse far from the target and dense near it; the sparkline's columns
    are evenly spaced iterations all the same."""
    from grader.report.rich_report import evenly_spaced
    curve = [(0, 0.1), (100, 0.8), (200, 0.9), (225, 0.91), (250, 0.92), (275, 0.95)]
    assert evenly_spaced(curve) == [0.1, 0.1, 0.8, 0.8, 0.9, 0.95]
    assert evenly_spaced([(0, 0.5), (10, 0.6)]) == [0.5, 0.6]


def test_a_partial_check_never_claims_all_exercises(capsys):
    from grader.cli import main
    from tests.conftest import SOLUTIONS
    assert main(["check", str(SOLUTIONS), "Affine", "--lang", "en", "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert "All exercises passed" not in out
    assert "Affine and what it needs passed" in " ".join(out.split())

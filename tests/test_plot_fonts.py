"""Pictures in the report's language where an installed font has the glyphs, in English where none
has: never a title of empty boxes."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from grader import plots  # noqa: E402
from grader.results import CheckResult, ExerciseResult, Report, State  # noqa: E402

LATIN = [("DejaVu Sans", None)]


def dejavu() -> list[tuple[str, str]]:
    from matplotlib import font_manager
    return [("DejaVu Sans", font_manager.findfont("DejaVu Sans", fallback_to_default=False))]


def cjk_fonts() -> list[tuple[str, str]]:
    """Installed fonts that can draw both Hangul and Hanzi."""
    return [(name, path) for name, path in plots._installed_fonts()
            if plots.covers(path, "역전파反向传播")]


def test_a_latin_font_cannot_draw_hangul_or_hanzi():
    [(_, path)] = dejavu()
    assert plots.covers(path, "learning curve")
    assert not plots.covers(path, "학습 곡선")
    assert not plots.covers(path, "学习曲线")


@pytest.mark.parametrize("lang", ["ko", "zh", "ja"])
def test_no_font_with_the_glyphs_gives_english_labels(lang):
    words, family = plots.labels(lang, fonts=dejavu())
    assert family is None
    assert words["curve_title"] == "train_neuralnet: learning curve"
    assert words["iterations"] == "iterations"


def test_english_needs_no_font_search():
    words, family = plots.labels("en", fonts=[])
    assert family is None and words["accuracy"] == "accuracy"


def test_the_languages_own_font_is_preferred(monkeypatch):
    fonts = [("Some Pan-CJK Font", "/f/pan.ttf"), ("NanumGothic", "/f/nanum.ttf"),
             ("WenQuanYi Micro Hei", "/f/wqy.ttf"), ("DejaVu Sans", "/f/dejavu.ttf")]
    can_draw = {"/f/pan.ttf": True, "/f/nanum.ttf": True, "/f/wqy.ttf": True, "/f/dejavu.ttf": False}
    monkeypatch.setattr(plots, "covers", lambda path, text: can_draw[path])
    assert plots.labels("ko", fonts=fonts) == ({n: plots.say("plot." + n, "ko") for n in plots.LABELS},
                                               "NanumGothic")
    assert plots.labels("zh", fonts=fonts)[1] == "WenQuanYi Micro Hei"
    can_draw["/f/nanum.ttf"] = False   # a font of the right name without the glyphs is passed over
    assert plots.labels("ko", fonts=fonts)[1] in ("Some Pan-CJK Font", "WenQuanYi Micro Hei")


def _report() -> Report:
    curve = [(0, 0.1), (100, 0.8), (200, 0.95)]
    W1 = np.random.default_rng(0).normal(size=(784, 50))
    check = CheckResult("train_neuralnet", "accuracy", State.PASSED, 18,
                        extra={"curve": curve, "target": 0.94, "W1": W1})
    return Report(submission="s", exercises=(ExerciseResult("train_neuralnet", "two_layer_net.py", (check,)),),
                  seed=0, duration=1.0)


@pytest.mark.parametrize("lang", ["ko", "zh"])
def test_pictures_are_drawn_without_missing_glyphs(lang, tmp_path):
    """With the machine's real fonts: in Korean or Chinese if one can draw it, else in English,
    and matplotlib never warns of a glyph it had to leave out."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # "Glyph ... missing from font(s)" would fail here
        files = plots.write_plots(_report(), tmp_path, lang)
    assert [f.name for f in files] == ["learning_curve.png", "W1.png"]
    words, family = plots.labels(lang)
    assert (family is None) == (not cjk_fonts()), family
    if family is None:
        assert words["target"] == "target"


def test_matplotlib_s_last_resort_font_is_not_a_font(monkeypatch):
    """It maps every character to one placeholder glyph: it 'covers' Hangul and draws boxes."""
    monkeypatch.setattr(plots, "covers", lambda path, text: True)
    words, family = plots.labels("ko", fonts=[("Last Resort High-Efficiency", "/f/lastresort.otf")])
    assert family is None and words["target"] == "target"

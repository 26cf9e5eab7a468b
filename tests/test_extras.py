"""Extras: outside the default points, graded when written or named, listed after the core.

The rules are proven on a small extra made up for the test (`doubler`, a class whose forward
doubles its input), so that they hold for any extra the catalogue declares.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from grader import catalog, selection, stubs  # noqa: F401  (stubs: its file list read before any patching)
from grader.checks import CHECKS
from grader.compare import expect_close
from grader.i18n import Localized
from grader.layout import detect
from grader.results import State
from grader.runner import run
from tests.conftest import SOLUTIONS

WRITTEN = '''
class Doubler:
    """Twice its input."""

    def forward(self, x):
        """x: any shape."""
        return 2 * x
'''
STUB = '''
class Doubler:
    """Twice its input."""

    def forward(self, x):
        """x: any shape."""
        raise NotImplementedError("write Doubler.forward (hint: grader hint doubler)")
'''


def _doubler_forward(ctx):
    x = ctx.rng.normal(size=(3, 4))
    layer = ctx.new(ctx.module_of("doubler"), "Doubler")
    expect_close(ctx.call(layer, "Doubler.forward", x), 2 * x, method="Doubler.forward", quantity="out",
                 gradient=False)


@pytest.fixture
def doubler(monkeypatch):
    extra = catalog.Exercise("doubler", "doubler.py", Localized("title.Relu"),
                             catalog._weighted(("forward", 3), ("again", 1)),
                             hints=(Localized("hint.Relu.1"),), writes=("Doubler.forward",), extra=True)
    exercises = catalog.EXERCISES + (extra,)
    monkeypatch.setattr(catalog, "EXERCISES", exercises)
    monkeypatch.setattr(catalog, "BY_ID", {e.id: e for e in exercises})
    monkeypatch.setattr(catalog, "ORDER", tuple(e.id for e in exercises))
    monkeypatch.setattr(catalog, "EXTRAS", ("doubler",))
    monkeypatch.setitem(CHECKS, "doubler", {"forward": _doubler_forward, "again": _doubler_forward})
    return extra


def _folder(tmp_path: Path, doubler_source: str | None) -> Path:
    """The solutions' layers.py alone (every other core file missing: a fast full run), and the
    extra's file as given."""
    folder = tmp_path / "work"
    folder.mkdir(parents=True)
    shutil.copy(SOLUTIONS / "layers.py", folder)
    shutil.copy(SOLUTIONS / "functions.py", folder)
    if doubler_source is not None:
        (folder / "doubler.py").write_text(doubler_source, encoding="utf-8")
    return folder


def test_points_are_none_by_default_and_a_course_shares_its_total(doubler):
    assert doubler.points == 0 and {c.points for c in doubler.checks} == {0}
    assert doubler.split(8) == {"forward": 6, "again": 2}
    from grader.config import parse
    config = parse({"points": {"doubler": 8}})
    assert config.points["doubler"] == {"forward": 6, "again": 2}
    assert config.max_score == 100   # the core's total: an extra counts only where graded


@pytest.mark.parametrize("source, graded", [(None, False), (STUB, False), (WRITTEN, True),
                                            (STUB.replace("raise NotImplementedError", "return x  #"), True),
                                            ("class Doubler(:\n", True)])
def test_an_extra_is_graded_once_written(doubler, tmp_path, source, graded):
    layout = detect(_folder(tmp_path, source))
    assert ("doubler" in selection.selected(layout)) is graded
    assert ("doubler" in selection.unselected_extras(layout)) is not graded
    assert "doubler" in selection.selected(layout, ["doubler"])   # named: always


def test_unwritten_extra_is_no_failure_and_changes_no_score(doubler, tmp_path):
    points = {"doubler": {"forward": 6, "again": 2}}
    alone = run(_folder(tmp_path / "a", STUB), points=points)
    assert "doubler" not in [e.exercise for e in alone.exercises]
    written = run(_folder(tmp_path / "b", WRITTEN), points=points)
    assert [e.exercise for e in written.exercises][-1] == "doubler"
    assert written.max_score == alone.max_score + 8 and written.score == alone.score + 8
    named = run(_folder(tmp_path / "c", STUB), ["doubler"], points=points)
    assert [(e.exercise, e.state) for e in named.exercises] == [("doubler", State.NOT_STARTED)]


def test_the_writers_set_the_extras_apart(doubler, tmp_path):
    from grader.report import json_report, junit
    from tests.test_report_rendering import rendered
    report = run(_folder(tmp_path, WRITTEN), ["MulLayer", "doubler"])
    tests = json.loads(json_report.render(report))["tests"]
    assert [t["extra_data"]["exercise"] for t in tests][-2:] == ["doubler", "doubler"]
    assert all(t["extra_data"]["state"] == "passed" for t in tests)
    assert [t["extra_data"].get("extra", False) for t in tests] == [False, False, True, True]
    xml = junit.render(report)
    assert xml.index('name="doubler"') < xml.index('name="extra" value="true"')
    assert xml.count('name="extra"') == 1
    text = rendered(report, "en")
    assert text.index("MulLayer") < text.index("extras") < text.index("doubler")


def test_the_gradebook_leaves_an_ungraded_extra_blank(doubler):
    from grader.gradebook import rows
    graded = {"score": 5, "max_score": 5, "tests": [
        {"score": 5, "extra_data": {"exercise": "MulLayer"}}]}
    table = rows([("s1", graded)], ["MulLayer", "AddLayer", "doubler"])
    assert table[1] == ["s1", "5", "5", "5", "0", ""]


def test_list_shows_the_extras_with_their_state(doubler, tmp_path, capsys, monkeypatch):
    from grader.cli import main
    monkeypatch.setenv("COLUMNS", "160")
    main(["list", str(_folder(tmp_path, STUB)), "--lang", "en"])
    out = capsys.readouterr().out
    heading = out.index("extras")
    row = next(line for line in out.splitlines() if "doubler" in line)
    assert heading < out.index(row) and "not started" in row and "doubler.py" in row


def test_stored_verdicts_follow_the_selection(doubler, tmp_path, monkeypatch):
    """The fast path of an unchanged re-check picks the exercises as a run does: writing the extra
    after a check is never answered with the report from before."""
    from grader.checks.context import Settings
    from grader.settings import Budgets
    from grader.verdicts import report_if_unchanged
    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path / "cache"))
    folder = _folder(tmp_path, STUB)
    run(folder, cache=True)
    before = report_if_unchanged(folder, [], Settings(), Budgets())
    assert before is not None and "doubler" not in [e.exercise for e in before.exercises]
    (folder / "doubler.py").write_text(WRITTEN, encoding="utf-8")
    assert report_if_unchanged(folder, [], Settings(), Budgets()) is None
    run(folder, cache=True)
    after = report_if_unchanged(folder, [], Settings(), Budgets())
    assert after.exercises[-1].exercise == "doubler" and after.exercises[-1].state is State.PASSED


def test_core_classes_are_never_taken_from_an_extra(doubler, tmp_path):
    """The extra's file may define its own ReLU and Sigmoid: not the core's Relu (nor a near miss
    of it), not the core's Sigmoid, however layers.py stands."""
    from grader.near_miss import near_miss
    folder = _folder(tmp_path, WRITTEN + "\n\nclass ReLU:\n    pass\n\n\nclass Sigmoid:\n    pass\n")
    source = (folder / "layers.py").read_text(encoding="utf-8")
    start, end = source.index("class Relu"), source.index("class Affine")
    (folder / "layers.py").write_text(source[:start] + source[end:], encoding="utf-8")
    layout = detect(folder)
    assert layout.file_of("Relu") == layout.file_of("Sigmoid") == "layers.py"
    assert not layout.home("Relu").found and not layout.home("Sigmoid").found
    assert "doubler.py" not in layout.searched
    assert near_miss(layout, catalog.BY_ID["Relu"]) is None
    report = run(folder, ["Relu", "Sigmoid"])
    assert {e.state for e in report.exercises} == {State.ERROR}


def test_an_extra_misnamed_in_its_own_file_is_a_near_miss(doubler, tmp_path):
    from grader.near_miss import near_miss
    layout = detect(_folder(tmp_path, WRITTEN.replace("class Doubler", "class doubler")))
    message, where = near_miss(layout, doubler)
    assert message.key == "near_miss_class_extra" and message.params["near"] == "doubler"
    assert where[0].file == "doubler.py"

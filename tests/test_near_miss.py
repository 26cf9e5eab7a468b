"""Misnamed classes and methods get one line saying what to rename, at the near name's line."""
from __future__ import annotations

import pytest

from grader.near_miss import closest
from tests.book_layout import build_book_repository
from tests.conftest import mutate
from tests.test_layouts import by_exercise, run_json


@pytest.mark.parametrize("exercise, old, new, message", [
    ("Relu", "class Relu:", "class ReLU:",
     "layers.py has no class Relu; it has ReLU: rename it, the book and the training code call it Relu"),
    ("SoftmaxWithLoss", "class SoftmaxWithLoss:", "class SoftMaxWithLoss:",
     "layers.py has no class SoftmaxWithLoss; it has SoftMaxWithLoss: rename it"),
    ("MulLayer", "class MulLayer:", "class Mullayer:", "layers.py has no class MulLayer; it has Mullayer"),
    ("Sigmoid", "    def backward(self, dout):\n        \"\"\"逆伝播。dout は forward の出力と同じ形。dx を返す。\n"
                "        Return dx, the same shape as dout.\"\"\"\n        return dout * (1.0",
     "    def backword(self, dout):\n        \"\"\"逆伝播。dout は forward の出力と同じ形。dx を返す。\n"
     "        Return dx, the same shape as dout.\"\"\"\n        return dout * (1.0",
     "Sigmoid in layers.py has no method backward; it has backword: rename it"),
])
def test_a_near_name_fails_with_one_line_at_its_line(solutions_copy, capsys, exercise, old, new, message):
    mutate(solutions_copy, "layers.py", old, new)
    code, report = run_json(capsys, solutions_copy, exercise)
    tests = [t for t in report["tests"] if t["extra_data"]["exercise"] == exercise]
    assert code == 1 and {t["extra_data"]["state"] for t in tests} == {"failed"}
    output = tests[0]["output"]
    assert message in output and "Traceback" not in output
    near = new.splitlines()[0].strip()
    assert "layers.py:" in output and near in output   # the line of the near name, quoted


@pytest.mark.parametrize("typo", ["forwar", "foward"])
def test_misspelt_forward(solutions_copy, capsys, typo):
    source = (solutions_copy / "layers.py").read_text(encoding="utf-8")
    start = source.index("class Relu:")
    at = source.index("def forward(", start)
    (solutions_copy / "layers.py").write_text(source[:at] + f"def {typo}(" + source[at + len("def forward("):],
                                              encoding="utf-8")
    _, report = run_json(capsys, solutions_copy, "Relu")
    state, _, output = by_exercise(report)["Relu"]
    assert state == "failed" and f"Relu in layers.py has no method forward; it has {typo}" in output


def test_a_missing_class_without_a_near_name_is_not_a_near_miss(solutions_copy, capsys):
    mutate(solutions_copy, "layers.py", "class Sigmoid:", "class Logistic:")
    _, report = run_json(capsys, solutions_copy, "Sigmoid")
    state, _, output = by_exercise(report)["Sigmoid"]
    assert state == "error" and "has no class" not in output


def test_near_names_in_the_books_common_layers(tmp_path, capsys):
    ch05 = build_book_repository(tmp_path / "repo")
    mutate(ch05.parent, "common/layers.py", "class Relu:", "class ReLU:")
    _, report = run_json(capsys, ch05, "Relu")
    state, _, output = by_exercise(report)["Relu"]
    assert state == "failed" and "common/layers.py has no class Relu; it has ReLU" in output


def test_the_network_is_checked_for_its_gradient_method(solutions_copy, capsys):
    mutate(solutions_copy, "two_layer_net.py", "def gradient(", "def gradients(")
    _, report = run_json(capsys, solutions_copy, "TwoLayerNet")
    state, _, output = by_exercise(report)["TwoLayerNet"]
    assert state == "failed" and "has no method gradient; it has gradients" in output


@pytest.mark.parametrize("want, names, near", [
    ("Relu", ["ReLU", "Sigmoid"], "ReLU"),
    ("MulLayer", ["AddLayer"], None),          # another exercise's class is not a typo
    ("backward", ["forward", "__init__"], None),
    ("backward", ["backword", "forward"], "backword"),
    ("forward", ["foward"], "foward"),
])
def test_closest(want, names, near):
    assert closest(want, names) == near


def test_a_misnamed_class_is_not_replaced_by_one_from_another_file(solutions_copy, capsys):
    """layers.py has ReLU, an old copy beside it has Relu: the student's own file is the news."""
    (solutions_copy / "layers_old.py").write_text((solutions_copy / "layers.py").read_text(encoding="utf-8"),
                                                  encoding="utf-8")
    mutate(solutions_copy, "layers.py", "class Relu:", "class ReLU:")
    _, report = run_json(capsys, solutions_copy, "Relu")
    state, file, output = by_exercise(report)["Relu"]
    assert state == "failed" and file == "layers.py" and "it has ReLU" in output


def test_the_rich_panel_gives_the_rename_and_no_unrelated_hint(solutions_copy, capsys):
    from grader.cli import main
    mutate(solutions_copy, "layers.py", "class Relu:", "class ReLU:")
    main(["check", str(solutions_copy), "Relu", "--lang", "en"])
    out = capsys.readouterr().out
    assert "class ReLU:" in out and "Hint:" not in out

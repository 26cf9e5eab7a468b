"""Issue 13's promises that the corpus does not reach: where the shown line comes from, which
notes the comparisons give, what the report renders for a note, a fitting hint and import-time
prints."""
from __future__ import annotations

import ast
import io
import json

import numpy as np
from rich.console import Console

from grader.checks.context import Settings
from grader.checks.lines import line_computing
from grader.compare import diagnose_shape, diagnose_values
from grader.report import json_report, rich_report
from grader.runner import run
from tests.conftest import mutate
from tests.corpus.bugs import BUGS

FAST = Settings(slow_gradient_seconds=3.0)


def _line(source: str, quantity: str) -> str:
    fn = ast.parse(source).body[0]
    return source.splitlines()[line_computing(fn, quantity) - 1].strip()


def test_a_line_after_a_return_is_never_shown():
    source = ("def gradient(self, x, t):\n"
              "    return self.numerical_gradient(x, t)\n"
              "    grads = {}\n"
              "    grads['W1'] = self.layers['Affine1'].dW\n"
              "    return grads\n")
    assert _line(source, "W1") == "return self.numerical_gradient(x, t)"


def test_a_name_passed_on_leads_to_the_line_that_made_it():
    source = ("def backward(self, dout):\n"
              "    dout[~self.mask] = 0\n"
              "    dx = dout\n"
              "    return dx\n")
    assert _line(source, "dx") == "dout[~self.mask] = 0"
    source = ("def forward(self, x):\n"
              "    out = 1 // (1 + np.exp(-x))\n"
              "    self.out = out\n"
              "    return out\n")
    assert _line(source, "out") == "out = 1 // (1 + np.exp(-x))"


# dx assigned on both sides of the one-hot / class-index branch
BRANCHED = ("def backward(self, dout=1):\n"
            "    if self.t.size == self.y.size:\n"
            "        dx = self.y - self.t\n"
            "    else:\n"
            "        dx = self.y.copy()\n"
            "    return dx\n")


def test_both_sides_of_a_branch_name_no_side():
    assert _line(BRANCHED, "dx") == "return dx"


def test_the_lines_that_ran_choose_the_side_of_a_branch():
    fn = ast.parse(BRANCHED).body[0]
    shown = {ran: BRANCHED.splitlines()[line_computing(fn, "dx", set(ran)) - 1].strip()
             for ran in ((2, 3, 6), (2, 5, 6))}
    assert shown == {(2, 3, 6): "dx = self.y - self.t", (2, 5, 6): "dx = self.y.copy()"}


def test_the_failing_line_is_the_one_that_ran(solutions_copy):
    # The one-hot side forgets the batch size; the class-index side is right. The report points
    # at the one-hot side's line, which ran, not at `return dx`.
    bug = next(b for b in BUGS if b.id == "softmax_missing_batch_division")
    mutate(solutions_copy, bug.file, bug.old, bug.new)
    report = run(solutions_copy, ["SoftmaxWithLoss"], FAST)
    failed = [c for e in report.exercises if e.exercise == "SoftmaxWithLoss" for c in e.checks
              if c.state.value == "failed"]
    assert failed and {c.location[-1].code for c in failed} == {"dx = self.y - self.t"}


def test_shape_notes_need_the_values_to_show_them():
    dout = np.arange(1.0, 7.0).reshape(3, 2)
    db = dout.sum(axis=0)
    assert diagnose_shape(np.array(dout.sum()), db).key == "diag_summed_every_axis"
    assert diagnose_shape(np.array(0.731), db) is None                 # a constant: no note
    dx = np.arange(1.0, 13.0).reshape(4, 3)
    assert diagnose_shape(dx.sum(axis=0), dx).key == "diag_summed_batch"
    assert diagnose_shape(np.ones(3), dx) is None                      # same shape, other values
    assert diagnose_shape(dx.reshape(12), dx).key == "diag_reshaped"
    assert diagnose_shape(dx[::-1].reshape(12), dx) is None


def test_a_factor_needs_several_entries_and_zeros_need_a_gradient():
    loss = np.array(2.3)
    assert diagnose_values(np.array(2.3 * 6.861), loss, threshold=1e-6) is None
    assert diagnose_values(np.array(2.3 * 4), loss, threshold=1e-6, batch_size=4).key == "diag_missing_batch_division"
    grad = np.array([0.5, -1.0, 2.0])
    assert diagnose_values(3 * grad, grad, threshold=1e-6).key == "diag_factor"
    assert diagnose_values(np.zeros(3), grad, threshold=1e-6).key == "diag_all_zero"
    assert diagnose_values(np.zeros(3), grad, threshold=1e-6, gradient=False) is None


def _render(report) -> str:
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(rich_report.render(report, "en"))
    return console.file.getvalue()


def test_layers_not_reversed_get_the_reverse_order_hint(solutions_copy):
    bug = next(b for b in BUGS if b.id == "gradient_layers_forwards")
    mutate(solutions_copy, bug.file, bug.old, bug.new)
    shown = _render(run(solutions_copy, ["TwoLayerNet"], FAST))
    assert "reverse order" in shown and "First call loss(x, t)" not in shown


def test_a_dependency_worked_around_is_said(solutions_copy):
    mutate(solutions_copy, "layers.py", "        return dx.reshape(*self.original_x_shape)", "        return dx")
    report = run(solutions_copy, ["TwoLayerNet"], FAST)
    outputs = {t["name"]: t["output"] for t in json_report.to_dict(report, "en")["tests"]}
    assert "Affine.tensor_input" in outputs["TwoLayerNet: small_network"]
    assert "Affine.tensor_input" in _render(report)
    net = next(e for e in report.exercises if e.exercise == "TwoLayerNet")
    assert net.score == net.max_score


def test_import_time_prints_belong_to_the_file(solutions_copy):
    mutate(solutions_copy, "layers.py", "import numpy as np\n", "import numpy as np\nprint('layers loaded')\n")
    mutate(solutions_copy, "layers.py", "        return x * y\n", "        print('multiplying')\n        return x * y\n")
    report = run(solutions_copy, ["MulLayer", "AddLayer"], FAST)
    mul, add = report.exercises
    assert "layers loaded" in mul.import_output and "layers loaded" not in mul.output
    assert "multiplying" in mul.output and "layers loaded" not in add.output + add.import_output
    assert "layers.py printed while imported" in _render(report)
    first = json.loads(json_report.render(report, "en"))["tests"][0]["output"]
    assert "layers.py printed while imported" in first and "layers loaded" in first

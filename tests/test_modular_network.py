"""The extra `modular_network`: modules that learn by themselves, a Softmax to correct, XOR."""
from __future__ import annotations

import shutil

from grader import catalog, selection
from grader.layout import detect
from grader.near_miss import near_miss
from grader.results import State
from grader.runner import run
from tests.conftest import EXERCISES, SOLUTIONS, copy_submission, mutate

EXTRA = catalog.BY_ID["modular_network"]
RIGHT_SOFTMAX = ("        # the Jacobian of row i is diag(y) - y y^T; its product with grad, row by row\n"
                 "        return y * (grad - np.sum(grad * y, axis=-1, keepdims=True))")


def _checks(report) -> dict:
    result = next(e for e in report.exercises if e.exercise == "modular_network")
    return {c.check: c for c in result.checks}


def test_the_solution_learns_xor(solutions_copy):
    checks = _checks(run(solutions_copy, ["modular_network"]))
    assert {c.state for c in checks.values()} == {State.PASSED}
    outputs = checks["xor"].extra["xor"]["outputs"]
    assert [round(v) for v in outputs] == [0, 1, 1, 0]


def test_the_stub_gives_the_element_wise_softmax_and_counts_as_unwritten(tmp_path):
    folder = copy_submission(EXERCISES, tmp_path / "work")
    assert not selection.written(detect(folder), EXTRA)
    checks = _checks(run(folder, ["modular_network"]))
    assert checks["linear_gradient"].state is State.NOT_STARTED
    assert checks["softmax"].state is State.FAILED    # the given code is wrong, and said to be
    assert checks["softmax"].diagnosis.key == "diag_softmax_elementwise"
    assert checks["softmax"].hint.params == {"exercise": "modular_network", "step": 4}
    # Correcting the given Softmax is writing the exercise too.
    source = (folder / "modular_network.py").read_text(encoding="utf-8")
    (folder / "modular_network.py").write_text(source.replace(
        "        return grad * y * (1 - y)", RIGHT_SOFTMAX.split("\n", 1)[1]), encoding="utf-8")
    assert selection.written(detect(folder), EXTRA)


def test_reset_brings_back_the_given_softmax(solutions_copy):
    from grader.commands.reset import reset_exercise
    reset_exercise(EXTRA, solutions_copy)
    assert (solutions_copy / "modular_network.py").read_text(encoding="utf-8") == \
        (EXERCISES / "modular_network.py").read_text(encoding="utf-8")


def test_an_update_that_is_off_is_found_exactly(solutions_copy):
    """The step is W - lr * dW to 1e-10: a step 1% too long fails, and says by how much."""
    mutate(solutions_copy, "modular_network.py", "        self.W -= learning_rate * dW",
           "        self.W -= 1.01 * learning_rate * dW")
    checks = _checks(run(solutions_copy, ["modular_network"]))
    failed = checks["linear_update"]
    assert failed.state is State.FAILED and failed.comparison.quantity == "W"
    assert failed.diagnosis.key == "diag_factor"
    assert failed.location[0].code == "self.W -= 1.01 * learning_rate * dW"
    assert checks["linear_gradient"].state is State.PASSED


def _without(folder, file: str, cls: str, following: str) -> None:
    source = (folder / file).read_text(encoding="utf-8")
    start, end = source.index(f"class {cls}"), source.index(f"class {following}")
    (folder / file).write_text(source[:start] + source[end:], encoding="utf-8")


def test_its_relu_and_sigmoid_are_not_the_core_ones_in_the_flat_folder(solutions_copy):
    layout = detect(solutions_copy)
    assert layout.file_of("Relu") == layout.file_of("Sigmoid") == "layers.py"
    assert "modular_network.py" not in layout.searched
    report = run(solutions_copy, ["Relu", "Sigmoid", "modular_network"])
    assert all(e.state is State.PASSED for e in report.exercises)
    # layers.py without Relu and Sigmoid: missing there, never found in (nor near-missed to) the extra
    _without(solutions_copy, "layers.py", "Relu", "Affine")
    layout = detect(solutions_copy)
    assert not layout.home("Relu").found and not layout.home("Sigmoid").found
    assert near_miss(layout, catalog.BY_ID["Relu"]) is None and near_miss(layout, EXTRA) is None
    states = {e.exercise: e.state for e in run(solutions_copy, ["Relu", "Sigmoid", "modular_network"]).exercises}
    assert states == {"Relu": State.ERROR, "Sigmoid": State.ERROR, "modular_network": State.PASSED}


def test_its_relu_and_sigmoid_are_not_the_core_ones_in_the_book_layout(tmp_path):
    from tests.book_layout import build_book_repository
    chapter = build_book_repository(tmp_path / "repo")
    shutil.copy(SOLUTIONS / "modular_network.py", chapter)
    layout = detect(chapter)
    assert layout.file_of("Relu") == layout.file_of("Sigmoid") == "common/layers.py"
    assert layout.exercise_file("modular_network") == "ch05/modular_network.py"
    report = run(chapter, ["Relu", "Sigmoid", "modular_network"])
    assert all(e.state is State.PASSED for e in report.exercises)


def test_watch_regrades_an_extra_when_its_own_file_changes():
    from grader.commands.watch import affected_exercises
    assert affected_exercises(["modular_network.py"]) == ["modular_network"]
    assert "modular_network" not in affected_exercises(["functions.py"])   # it imports nothing of it


def test_a_wrong_sigmoid_here_points_at_this_files_line_not_the_core_sigmoid(solutions_copy):
    # modular_network's Sigmoid shares the core layer's name; the line shown is the extra's own.
    mutate(solutions_copy, "modular_network.py", "        return grad * self.out * (1 - self.out)",
           "        return grad * self.out")
    sigmoid = _checks(run(solutions_copy, ["modular_network"]))["sigmoid"]
    assert sigmoid.state is State.FAILED
    assert (sigmoid.location[-1].file, sigmoid.location[-1].code) == ("modular_network.py", "return grad * self.out")

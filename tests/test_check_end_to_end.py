"""`grader check` as a user runs it: the solutions pass, the stubs are not started, exit codes hold."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from grader import catalog
from grader.cli import main
from tests.conftest import EXERCISES, SOLUTIONS, copy_submission, mutate

LAYER_EXERCISES = [e for e in catalog.ORDER if e != "train_neuralnet"]


def run_json(capsys, *args) -> tuple[int, dict]:
    code = main(["check", *map(str, args), "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def states(report: dict) -> dict:
    found: dict[str, str] = {}
    for test in report["tests"]:
        extra = test["extra_data"]
        found.setdefault(extra["exercise"], extra["state"])
        if extra["state"] != "passed" and found[extra["exercise"]] == "passed":
            found[extra["exercise"]] = extra["state"]
    return found


def test_solutions_pass_every_check(capsys):
    code, report = run_json(capsys, SOLUTIONS)
    assert code == 0, [t["output"] for t in report["tests"] if t["status"] != "passed"]
    assert report["score"] == report["max_score"] == 100
    assert set(states(report)) == set(catalog.ORDER)


def test_stubs_are_all_not_started(capsys):
    code, report = run_json(capsys, EXERCISES)
    assert code == 1
    assert set(states(report).values()) == {"not_started"}
    assert report["score"] == 0
    by_exercise = {t["extra_data"]["exercise"]: t["output"] for t in report["tests"]}
    assert "TwoLayerNet.gradient is not written yet" in by_exercise["train_neuralnet"]


def test_written_exercise_behind_an_unwritten_one_is_skipped(capsys, tmp_path):
    """TwoLayerNet.gradient written, Affine not yet: the gradient cannot be judged, so skipped."""
    folder = copy_submission(EXERCISES, tmp_path / "work")
    (folder / "two_layer_net.py").write_text((SOLUTIONS / "two_layer_net.py").read_text(encoding="utf-8"),
                                             encoding="utf-8")
    code, report = run_json(capsys, folder, "TwoLayerNet")
    found = states(report)
    assert found["Affine"] == "not_started" and found["TwoLayerNet"] == "skipped"


def test_gradescope_shape(capsys):
    _, report = run_json(capsys, SOLUTIONS, "Relu")
    assert set(report) >= {"score", "max_score", "execution_time", "tests"}
    for test in report["tests"]:
        assert set(test) >= {"name", "score", "max_score", "status", "output", "visibility", "extra_data"}
        assert test["extra_data"]["exercise"] == "Relu"
        assert test["status"] in ("passed", "failed")


def test_one_exercise_brings_its_dependencies(capsys):
    _, report = run_json(capsys, SOLUTIONS, "twolayernet")
    assert list(states(report)) == ["Relu", "Affine", "SoftmaxWithLoss", "TwoLayerNet"]


@pytest.mark.parametrize("args, message", [
    (["check", "/no/such/folder"], "no such folder"),
    (["check", str(SOLUTIONS), "NoSuchLayer"], "unknown exercise"),
])
def test_bad_input_is_a_message_and_exit_2(capsys, args, message):
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_empty_folder_is_exit_2(tmp_path, capsys):
    assert main(["check", str(tmp_path)]) == 2
    assert "none of the submission files" in capsys.readouterr().err


def test_syntax_error_is_reported_with_the_line(solutions_copy, capsys):
    mutate(solutions_copy, "layers.py", "class Relu:", "class Relu(:")
    code, report = run_json(capsys, solutions_copy, "Relu")
    assert code == 1
    test = report["tests"][0]
    assert test["extra_data"]["state"] == "error"
    assert "SyntaxError" in test["output"] and "layers.py" in test["output"]


def test_console_script_runs(tmp_path):
    out = subprocess.run([sys.executable, "-m", "grader", "check", str(SOLUTIONS), "MulLayer"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "MulLayer" in out.stdout


@pytest.mark.parametrize("file, old, new, exercise, expected_code", [
    ("layers.py", "self.dW = np.dot(self.x.T, dout)", "self.dW = np.dot(self.x.T, dout) / dout.shape[0]",
     "Affine", "self.dW = np.dot(self.x.T, dout) / dout.shape[0]"),
    ("layers.py", "        dx = dout * self.y  # each input's gradient is scaled by the other input\n        dy = dout * self.x\n        return dx, dy",
     "        return dout * self.x, dout * self.y", "MulLayer", "return dout * self.x, dout * self.y"),
    # `return dout`: the line that changed dout is the one to look at
    ("layers.py", "        dout[self.mask] = 0  # the book reuses dout in place; nothing flows where x was <= 0",
     "        dout[~self.mask] = 0", "Relu", "dout[~self.mask] = 0"),
    # dx is computed on both sides of the one-hot / class-label branch: the side that ran
    ("layers.py", "            dx = (self.y - self.t) / batch_size", "            dx = self.y - self.t",
     "SoftmaxWithLoss", "dx = self.y - self.t"),
])
def test_a_wrong_value_points_at_the_line_that_computed_it(solutions_copy, file, old, new, exercise,
                                                            expected_code):
    from grader.runner import run
    mutate(solutions_copy, file, old, new)
    report = run(solutions_copy, [exercise])
    failed = [c for e in report.exercises for c in e.checks if c.state.value == "failed"]
    assert failed and failed[0].location[0].code == expected_code

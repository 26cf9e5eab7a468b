"""A file that cannot be used (not UTF-8, unparseable at a bounded cost, empty, not importable) is
reported once, as what it is, for every exercise that needs it: through the real command."""
from __future__ import annotations

import io
import json
import subprocess
import sys
import time

import pytest
from rich.console import Console

from grader.cli import main
from grader.report import rich_report
from grader.runner import run
from tests.conftest import ROOT, SOLUTIONS, copy_submission, mutate

LAYER_EXERCISES = ["MulLayer", "AddLayer", "Relu", "Sigmoid", "Affine", "SoftmaxWithLoss"]


def check_json(capsys, folder, *args) -> tuple[int, dict]:
    code = main(["check", str(folder), *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def by_exercise(report: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for test in report["tests"]:
        found.setdefault(test["extra_data"]["exercise"], []).append(test)
    return found


def rendered(report) -> str:
    console = Console(file=io.StringIO(), width=100, no_color=True, color_system=None)
    console.print(rich_report.render(report, "en"))
    return console.file.getvalue()


def assert_said_once_for_layers(report: dict, words: str) -> None:
    """Every check of every layer exercise is an error carrying `words`; nothing else is said."""
    tests = by_exercise(report)
    for exercise in LAYER_EXERCISES:
        for test in tests[exercise]:
            assert test["extra_data"]["state"] == "error", (exercise, test["output"])
            assert words in test["output"], test["output"]
            assert "raised an exception" not in test["output"]


@pytest.fixture
def submission(tmp_path):
    return copy_submission(SOLUTIONS, tmp_path / "submission")


def test_shift_jis_is_one_message_found_before_any_worker(capsys, submission):
    text = "# 誤差逆伝播法のレイヤ\n" + (submission / "layers.py").read_text(encoding="utf-8").replace("·", ".")
    (submission / "layers.py").write_bytes(text.encode("cp932"))
    code, report = check_json(capsys, submission, "TwoLayerNet", "MulLayer", "AddLayer", "Sigmoid")
    assert code == 1
    assert_said_once_for_layers(report, "layers.py is not UTF-8 (it looks like Shift_JIS): save it as UTF-8")
    # Nothing was imported: Python's own complaint would name the byte it could not decode.
    assert "codec" not in json.dumps(report)
    assert by_exercise(report)["TwoLayerNet"][0]["extra_data"]["state"] == "skipped"


def test_japanese_message(submission):
    (submission / "layers.py").write_bytes(('"""レイヤ"""\n' + "x = 1\n").encode("euc_jp"))
    report = run(submission, ["Relu"])
    from grader.messages import text
    assert text(report.exercises[0].checks[0].message, "ja") == \
        "layers.py が UTF-8 ではありません (EUC-JP のようです)。UTF-8 で保存し直してください"


def test_bom_and_crlf_files_grade_and_show_the_failing_line(capsys, submission):
    mutate(submission, "layers.py", "        self.db = np.sum(dout, axis=0)", "        self.db = dout.sum()")
    data = (submission / "layers.py").read_text(encoding="utf-8").replace("\n", "\r\n")
    (submission / "layers.py").write_bytes(b"\xef\xbb\xbf" + data.encode("utf-8"))
    code, report = check_json(capsys, submission, "Relu", "Affine")
    tests = by_exercise(report)
    assert all(t["status"] == "passed" for t in tests["Relu"])
    failed = [t for t in tests["Affine"] if t["status"] == "failed"]
    assert failed and "self.db = dout.sum()" in failed[0]["output"]


def test_a_syntax_error_is_one_explanation_with_the_line(submission):
    mutate(submission, "layers.py", "class Relu:", "class Relu")
    line = (submission / "layers.py").read_text(encoding="utf-8").splitlines().index("class Relu") + 1
    report = run(submission, LAYER_EXERCISES)
    for exercise in report.exercises:
        check = exercise.checks[0]
        assert check.state.value == "error"
        assert check.message.key == "import_failed_at"
        assert check.message.params == {"file": "layers.py", "type": "SyntaxError", "line": line}
        assert check.location[-1].code == "class Relu"
    text = rendered(report)
    assert text.count(f"layers.py could not be imported: SyntaxError at line {line}") == 7  # 6 rows, 1 panel
    assert text.count("your code: layers.py") == 1
    assert "Hint:" not in text


@pytest.mark.parametrize("old, new, words, code", [
    ("import numpy as np", "import numpy as np\nfrom common.functions import softmax",
     "ModuleNotFoundError", "from common.functions import softmax"),
    ("import numpy as np", "import numpy as np\nSCALE = 1 / 0", "ZeroDivisionError", "SCALE = 1 / 0"),
])
def test_import_time_failures(capsys, submission, old, new, words, code):
    mutate(submission, "layers.py", old, new)
    _, report = check_json(capsys, submission, *LAYER_EXERCISES)
    assert_said_once_for_layers(report, f"layers.py could not be imported: {words} at line")
    assert code in by_exercise(report)["Relu"][0]["output"]


def test_the_file_at_fault_is_named(submission):
    """layers.py imports functions.py; a broken functions.py is functions.py's fault."""
    (submission / "functions.py").write_text("def softmax(x)\n    return x\n", encoding="utf-8")
    report = run(submission, ["Relu"])
    assert report.exercises[0].checks[0].message.params["file"] == "functions.py"
    text = '"""関数"""\n' + (SOLUTIONS / "functions.py").read_text(encoding="utf-8")
    (submission / "functions.py").write_bytes(text.encode("cp932"))
    report = run(submission, ["Relu"])
    message = report.exercises[0].checks[0].message
    assert message.key == "source_not_utf8" and message.params["file"] == "functions.py"


def test_an_empty_file(capsys, submission):
    (submission / "layers.py").write_text("# TODO\n", encoding="utf-8")
    _, report = check_json(capsys, submission, *LAYER_EXERCISES)
    assert_said_once_for_layers(report, "layers.py is empty")


def test_an_import_that_never_ends_costs_one_budget(capsys, submission):
    mutate(submission, "layers.py", "import numpy as np", "import numpy as np\nwhile True:\n    pass")
    started = time.monotonic()
    _, report = check_json(capsys, submission, *LAYER_EXERCISES, "--timeout", "1")
    assert time.monotonic() - started < 8
    for exercise in LAYER_EXERCISES:
        test = by_exercise(report)[exercise][0]
        assert test["extra_data"]["state"] == "timeout"
        assert "importing layers.py did not finish" in test["output"]


@pytest.mark.parametrize("content, words", [
    ("x = " + "+".join(["1"] * 200_000) + "\n", "too complex to read safely: the statement at line"),
    ("def f(x):\n    return " + "-" * 20_000 + "x\n", "too complex to read safely"),
])
def test_pathological_files_through_the_real_command(submission, content, words):
    """The parent survives (it used to die of RecursionError, or crash outright on Python 3.10):
    the file's exercises are errors with a clear message, the rest is graded."""
    with open(submission / "two_layer_net.py", "a", encoding="utf-8") as fh:
        fh.write(content)
    proc = subprocess.run([sys.executable, "-m", "grader", "check", str(submission), "TwoLayerNet",
                           "--format", "json"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 1, proc.stderr
    tests = by_exercise(json.loads(proc.stdout))
    assert all(t["status"] == "passed" for t in tests["Affine"])
    for test in tests["TwoLayerNet"]:
        assert test["extra_data"]["state"] == "error"
        assert "two_layer_net.py " in test["output"] and words in test["output"], test["output"]


def test_a_huge_file_through_the_real_command(submission):
    """Over the snapshot's cap, the worker never gets the submission at all: one line, exit 2."""
    with open(submission / "two_layer_net.py", "a", encoding="utf-8") as fh:
        fh.write("#" * (1 << 20) + "\n")
    # Without stored verdicts, so that a worker (and its snapshot) is needed.
    proc = subprocess.run([sys.executable, "-m", "grader", "check", str(submission), "--format", "json",
                           "--no-cache"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "two_layer_net.py" in proc.stderr
    assert "Traceback" not in proc.stderr

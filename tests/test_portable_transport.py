"""The portable transport (the worker's stdin/stdout as the channel, as on Windows), forced on
Linux with GRADER_TRANSPORT=portable: the same verdicts, and the hostile cases it can meet."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT, mutate
from tests.report_reading import outputs, states

PORTABLE = {"GRADER_TRANSPORT": "portable"}
RELU_FORWARD = "        self.mask = x <= 0\n        out = x.copy()"


def grade(folder, *args, timeout=240) -> dict:
    done = subprocess.run([sys.executable, "-m", "grader", "check", str(folder), *args, "--format", "json",
                           "--no-cache"],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **PORTABLE})
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)




def plant(folder, code: str):
    body = "".join(f"        {line}\n" for line in code.strip("\n").splitlines())
    return mutate(folder, "layers.py", RELU_FORWARD, body + RELU_FORWARD)


def test_the_solutions_score_full_marks(solutions_copy):
    report = grade(solutions_copy)
    assert report["score"] == report["max_score"] == 100, [t["output"] for t in report["tests"]
                                                           if t["status"] != "passed"]


def test_prints_never_enter_the_reply_stream(solutions_copy):
    """What the student prints, even bytes that look like a frame, is output, never a reply."""
    mutate(solutions_copy, "layers.py", "class MulLayer:",
           "import sys\nprint('at import')\nsys.stdout.buffer.write(b'\\x00' * 8 + b'{}')\nsys.stdout.flush()\n\n\nclass MulLayer:")
    plant(solutions_copy, "print('in forward', flush=True)")
    report = grade(solutions_copy, "MulLayer", "Relu")
    assert states(report) == {"MulLayer": "passed", "Relu": "passed"}
    assert "in forward" in outputs(report, "Relu")


def test_hangs_crashes_floods_and_stdin(solutions_copy):
    plant(solutions_copy, "while True:\n    pass")
    mutate(solutions_copy, "layers.py", "        out = 1 / (1 + np.exp(-x))",
           "        import os\n        os._exit(3)\n        out = 1 / (1 + np.exp(-x))")
    report = grade(solutions_copy, "--timeout", "3", "Relu", "Sigmoid", "Affine")
    assert states(report) == {"Relu": "timeout", "Sigmoid": "error", "Affine": "passed"}
    assert "exit code 3" in outputs(report, "Sigmoid")


def test_output_flood_and_input(solutions_copy):
    plant(solutions_copy, "import sys\nfor _ in range(20):\n    sys.stdout.write('x' * 1_000_000)\ninput()")
    report = grade(solutions_copy, "Relu", "Sigmoid")
    assert states(report) == {"Relu": "error", "Sigmoid": "passed"}
    assert "EOFError" in outputs(report, "Relu") and "bytes of output not shown" in outputs(report, "Relu")


def test_a_worker_that_stops_reading_is_not_waited_for_forever(solutions_copy):
    plant(solutions_copy, "import os\nos.close(0)\nimport time\ntime.sleep(600)")
    report = grade(solutions_copy, "--timeout", "3", "Relu", "Sigmoid")
    assert states(report) == {"Relu": "timeout", "Sigmoid": "passed"}

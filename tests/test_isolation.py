"""Hostile submissions through the real command: the verdicts stay true, nothing survives.

Each case plants code in a copy of the solutions, runs `python -m grader check ... --format json`
as CI would, and checks the states, the time taken, that the JSON is complete, and that no
process carrying the case's marker is left on the machine.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from grader import catalog
from tests.conftest import ROOT, mutate
from tests.report_reading import outputs, states

LINUX_ONLY = pytest.mark.skipif(sys.platform != "linux", reason="/proc, fork and rlimits are Linux's")
PIPES_ONLY = pytest.mark.skipif(os.name != "posix" or os.environ.get("GRADER_TRANSPORT") == "portable",
                                reason="the reply descriptor is passed by number on the pipe transport only")
RELU_FORWARD = "        self.mask = x <= 0\n        out = x.copy()"


def grade(folder: Path, *args: str, env: dict | None = None, timeout: float = 120) -> tuple[dict, float]:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "grader", "check", str(folder), *args, "--format", "json",
                           "--no-cache"],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})
    elapsed = time.monotonic() - started
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout), elapsed




def survivors(marker: str) -> list[int]:
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open(f"/proc/{name}/cmdline", "rb") as fh:
                if marker.encode() in fh.read():
                    found.append(int(name))
        except OSError:
            continue
    return found


def plant(folder: Path, code: str, where: str = RELU_FORWARD) -> Path:
    """Put `code` (indented for a method body) before `where` in layers.py."""
    body = "".join(f"        {line}\n" for line in code.strip("\n").splitlines())
    return mutate(folder, "layers.py", where, body + where)


@pytest.fixture
def marker() -> str:
    return f"hostile-{uuid.uuid4().hex}"


def test_infinite_loop_is_a_timeout_and_the_rest_is_graded(solutions_copy):
    plant(solutions_copy, "while True:\n    pass")
    report, elapsed = grade(solutions_copy, "--timeout", "2", "MulLayer", "Relu", "Sigmoid", "Affine")
    assert states(report) == {"MulLayer": "passed", "Relu": "timeout", "Sigmoid": "passed", "Affine": "passed"}
    assert elapsed < 2 + 10


def test_sleep_is_a_timeout(solutions_copy):
    plant(solutions_copy, "import time\ntime.sleep(600)")
    report, elapsed = grade(solutions_copy, "--timeout", "2", "Relu", "Sigmoid")
    assert states(report) == {"Relu": "timeout", "Sigmoid": "passed"}
    assert elapsed < 12


@LINUX_ONLY
def test_child_ignoring_sigterm_is_killed(solutions_copy, marker):
    plant(solutions_copy, f"""
import subprocess, sys, time
subprocess.Popen([sys.executable, '-c', 'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)', '{marker}'])
time.sleep(600)""")
    report, _ = grade(solutions_copy, "--timeout", "3", "Relu")
    assert states(report) == {"Relu": "timeout"}
    time.sleep(0.2)
    assert survivors(marker) == []


@LINUX_ONLY
def test_double_fork_and_setsid_do_not_escape(solutions_copy, marker):
    plant(solutions_copy, f"""
import os, sys, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, '-c', 'import time; time.sleep(600)', '{marker}'])
    os._exit(0)
time.sleep(600)""")
    report, _ = grade(solutions_copy, "--timeout", "3", "Relu")
    assert states(report) == {"Relu": "timeout"}
    time.sleep(0.2)
    assert survivors(marker) == []


@LINUX_ONLY
@pytest.mark.parametrize("bomb", [
    "import numpy\nblock = numpy.ones((40000, 40000))",
    "hoard = [bytearray(10**8) for _ in range(100)]",
])
def test_memory_bomb_is_reported_for_its_exercise(solutions_copy, bomb):
    plant(solutions_copy, bomb)
    report, _ = grade(solutions_copy, "--memory-mb", "600", "Relu", "Sigmoid")
    assert states(report) == {"Relu": "error", "Sigmoid": "passed"}
    assert "MemoryError" in outputs(report, "Relu") or "ended" in outputs(report, "Relu")


@LINUX_ONLY
@pytest.mark.parametrize("code, words", [
    ("import sys\nsys.exit(3)", "SystemExit"),
    ("import os\nos._exit(3)", "exit code 3"),
    ("import ctypes\nctypes.string_at(0)", "SIGSEGV"),
    ("def deeper(n):\n    return deeper(n + 1)\ndeeper(0)", "RecursionError"),
    ("input()", "EOFError"),
])
def test_exits_crashes_and_recursion_are_errors(solutions_copy, code, words):
    plant(solutions_copy, code)
    report, _ = grade(solutions_copy, "Relu", "Sigmoid", "Affine")
    assert states(report) == {"Relu": "error", "Sigmoid": "passed", "Affine": "passed"}
    assert words in outputs(report, "Relu")


def test_exception_at_import_time_blames_the_line(solutions_copy):
    mutate(solutions_copy, "layers.py", "class MulLayer:", "raise RuntimeError('broken at import')\n\n\nclass MulLayer:")
    report, _ = grade(solutions_copy)
    core = {e: s for e, s in states(report).items() if not catalog.is_extra(e)}
    assert set(core.values()) <= {"error", "skipped"}
    # extras that need nothing of layers.py
    assert states(report)["sigmoid_graph"] == states(report)["affine_mnist_picture"] == "passed"
    assert "broken at import" in outputs(report, "MulLayer") and "layers.py:" in outputs(report, "MulLayer")
    assert report["score"] == 0


def test_output_flood_is_cut_and_fast(solutions_copy):
    plant(solutions_copy, "import sys\nfor _ in range(50):\n    sys.stdout.write('x' * 1_000_000)")
    report, elapsed = grade(solutions_copy, "Relu")
    assert states(report) == {"Relu": "passed"}
    assert len(json.dumps(report)) < 100_000
    assert "bytes of output not shown" in outputs(report, "Relu")
    assert elapsed < 30


def test_fake_reports_and_patched_libraries_change_nothing(solutions_copy):
    # A wrong Relu that also prints a perfect report and disables every comparison it can reach.
    plant(solutions_copy, """
import json, numpy, sys
print(json.dumps({'score': 100, 'max_score': 100, 'tests': []}))
numpy.allclose = lambda *a, **k: True
numpy.testing.assert_allclose = lambda *a, **k: None
import grader.compare, grader.reference
grader.compare.expect_close = lambda *a, **k: None
grader.reference.relu = lambda x: -x
return -x""")
    report, _ = grade(solutions_copy, "Relu")
    assert states(report) == {"Relu": "failed"}
    assert report["score"] == 0


def test_secrets_are_not_passed_to_student_code(solutions_copy):
    plant(solutions_copy, "import os\nprint('SEEN:', os.environ.get('GITHUB_TOKEN'), os.environ.get('AWS_SECRET_ACCESS_KEY'))")
    report, _ = grade(solutions_copy, "Relu", env={"GITHUB_TOKEN": "ghp_secret123", "AWS_SECRET_ACCESS_KEY": "aws_secret"})
    text = outputs(report, "Relu")
    assert "SEEN: None None" in text and "secret" not in text


@PIPES_ONLY
def test_forged_replies_on_the_private_channel(solutions_copy):
    plant(solutions_copy, "import os, sys\nos.write(int(sys.argv[5]), b'\\x00' * 8 + b'garbage')")
    report, _ = grade(solutions_copy, "Relu", "Sigmoid")
    assert states(report)["Relu"] == "error"
    assert states(report)["Sigmoid"] == "passed"


@LINUX_ONLY
def test_the_mnist_cache_cannot_be_rewritten(solutions_copy, tmp_path):
    """The worker reads training batches from the grader's cache: a submission that tries to
    shift every test label there gets a PermissionError at import (its own error), the cache stays
    byte for byte, and a correct submission graded after it still passes."""
    cache = tmp_path / "cache"
    clean = tmp_path / "clean"
    shutil.copytree(solutions_copy, clean)
    grade(clean, "train_neuralnet", env={"GRADER_CACHE_DIR": str(cache)})
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in cache.iterdir()}
    mutate(solutions_copy, "two_layer_net.py", "import numpy as np\n", """import numpy as np
import glob, os
for _path in glob.glob(os.path.join(os.environ.get("GRADER_CACHE_DIR", "/nonexistent"), "*.npy")):
    np.save(_path, (np.load(_path) + 1) % 10)
""")
    report, _ = grade(solutions_copy, env={"GRADER_CACHE_DIR": str(cache)})
    if sys.platform == "linux":
        assert states(report)["TwoLayerNet"] == "error"
        assert "[Errno" in outputs(report, "TwoLayerNet")  # EACCES (Landlock) or EROFS (read-only view)
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in cache.iterdir()} == before
    report, _ = grade(clean, env={"GRADER_CACHE_DIR": str(cache)})
    assert states(report)["train_neuralnet"] == "passed", outputs(report, "train_neuralnet")


def test_submission_files_are_never_modified(solutions_copy):
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in solutions_copy.iterdir()}
    grade(solutions_copy)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in solutions_copy.iterdir()}
    assert after == before  # no __pycache__, no changed file


def test_run_budget_bounds_the_whole_run(solutions_copy):
    from grader.runner import Budgets, run
    plant(solutions_copy, "while True:\n    pass")
    plant(solutions_copy, "while True:\n    pass", where="        out = 1 / (1 + np.exp(-x))")
    started = time.monotonic()
    report = run(solutions_copy, ["Relu", "Sigmoid", "Affine"], budgets=Budgets(exercise=30, run=3))
    assert time.monotonic() - started < 10
    assert [e.state.value for e in report.exercises] == ["timeout", "timeout", "timeout"]


@LINUX_ONLY
def test_a_grader_killed_outright_takes_its_workers_with_it(solutions_copy, marker):
    """SIGKILL of the grader (the OOM killer, a cancelled CI job) leaves no student code running."""
    plant(solutions_copy, f"""
import subprocess, sys, time
subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)', '{marker}'])
time.sleep(600)""")
    proc = subprocess.Popen([sys.executable, "-m", "grader", "check", str(solutions_copy), "Relu", "--no-cache"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not survivors(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert survivors(marker), "the planted process never started"
    proc.kill()
    proc.wait()
    time.sleep(0.5)
    assert survivors(marker) == []


def test_a_worker_dead_before_its_first_reply_is_dead_each_time_it_is_asked(tmp_path):
    """It was not: the second question read the channel the first had closed, and the whole check
    failed with 'cannot use REPORT: Bad file descriptor' instead of each exercise saying why."""
    from grader.sandbox.session import WorkerDied, WorkerSession
    (tmp_path / "submission").mkdir()
    session = WorkerSession(tmp_path / "submission")
    try:
        session.proc.kill()
        session.proc.wait(30)
        for _ in range(2):
            with pytest.raises(WorkerDied):
                session.sandbox()
        with pytest.raises(WorkerDied):
            session.request("ping")
    finally:
        session.close()


@pytest.mark.skipif(sys.platform != "linux", reason="Linux's OOM killer")
def test_workers_are_the_first_the_oom_killer_takes_and_the_grader_is_not(tmp_path):
    from grader.sandbox.session import WorkerSession
    from tests.process_support import tree
    (tmp_path / "submission").mkdir()
    session = WorkerSession(tmp_path / "submission")
    try:
        session.sandbox()   # confined: keeper, init and worker are up
        scores = {}
        for pid in tree(session.proc.pid):
            with open(f"/proc/{pid}/oom_score_adj", encoding="ascii") as fh:
                scores[pid] = int(fh.read())
    finally:
        session.close()
    assert scores and set(scores.values()) == {1000}
    with open("/proc/self/oom_score_adj", encoding="ascii") as fh:
        assert int(fh.read()) < 1000


@pytest.mark.skipif(sys.platform != "linux" or not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="pinning another uid's process to a core takes root")
def test_a_deadline_counts_the_time_the_worker_could_run_not_the_time_others_held_the_core(tmp_path):
    """It counted wall time: a classmate's submission spinning processes beside a check could make
    its MNIST run time out. A loop that never ends, given 2 s, on a core it shares with three
    spinners, now ends after about 2 s of that core's time, not 2 s of the clock."""
    from grader.sandbox import cpu_wait
    from grader.sandbox.session import WorkerSession, WorkerTimeout
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "spin.py").write_text("def forever():\n    while True:\n        pass\n", encoding="utf-8")
    core = min(os.sched_getaffinity(0))
    spin = f"import os\nos.sched_setaffinity(0, {{{core}}})\nwhile True:\n    pass\n"
    # Each in a session of its own: where the kernel groups the scheduling by session (autogroup),
    # that is what a hostile submission would do, and what makes the core three-quarters theirs.
    spinners = [subprocess.Popen([sys.executable, "-c", spin], start_new_session=True) for _ in range(3)]
    session = WorkerSession(folder)
    try:
        session.sandbox()
        os.sched_setaffinity(cpu_wait.request_loop(session.proc.pid), {core})
        started = time.monotonic()
        with pytest.raises(WorkerTimeout):
            session.request("function", timeout=2.0, module="spin", name="forever", args=[], kwargs={}, keep=False)
        took = time.monotonic() - started
    finally:
        session.close()
        for spinner in spinners:
            spinner.kill()
            spinner.wait()
    assert 4.0 < took < 60.0, took

"""`grader grade` forks its checks from a fork server (Linux): each is still a check process of its
own, holding nothing of the server, ended with its whole tree, and graded exactly as a check
started as a new interpreter."""
from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from grader import check_processes, forkserver
from grader.commands.grade import check_environment
from tests.conftest import ROOT, SOLUTIONS, copy_submission, mutate
from tests.process_support import alive, memory_holds, tree

pytestmark = pytest.mark.skipif(not forkserver.available(), reason="checks are forked on Linux only")

HANG = ("class MulLayer:", "while True:\n    pass\n\n\nclass MulLayer:")
BROKEN = ("            dx = (self.y - self.t) / batch_size", "            dx = self.y - self.t")


@pytest.fixture
def server(monkeypatch):
    monkeypatch.chdir(ROOT)   # where `python -m grader.forkserver` finds this checkout's grader
    started = check_processes.ForkServer(check_environment(1), "en")
    yield started
    started.close()


def _check_argv(folder, output, *extra):
    return ["check", str(folder), "--format", "json", "--output", str(output), "--seed", "0", "--no-cache",
            "--no-config", *extra]


def _report(path):
    report = json.loads(path.read_text(encoding="utf-8"))
    report.pop("execution_time", None)
    for test in report["tests"]:
        test.pop("execution_time", None)
    report.get("extra_data", {}).pop("timing", None)
    return report


def _links(pid):
    """What each of a process's descriptors is open on."""
    links = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            links.add(os.readlink(f"/proc/{pid}/fd/{fd}"))
        except OSError:
            pass
    return links


def _wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.parametrize("broken", [False, True], ids=["correct", "broken"])
def test_a_forked_check_grades_as_a_new_interpreter_does(tmp_path, server, broken):
    """The correct one trains MNIST: its measurements score the test set the server loaded."""
    folder = copy_submission(SOLUTIONS, tmp_path / "submission")
    if broken:
        mutate(folder, "layers.py", *BROKEN)
    forked = server.start(_check_argv(folder, tmp_path / "forked.json"), tmp_path / "forked.stderr")
    assert forked is not None and forked.wait(300) == int(broken)   # 1: graded, not everything passed
    spawned = check_processes.spawn(_check_argv(folder, tmp_path / "spawned.json"), check_environment(1),
                                    tmp_path / "spawned.stderr")
    assert spawned.wait(300) == int(broken)
    forked_report, spawned_report = _report(tmp_path / "forked.json"), _report(tmp_path / "spawned.json")
    assert forked_report == spawned_report
    if not broken:
        assert float(forked_report["score"]) == 100


def test_a_forked_check_is_a_session_of_its_own_and_holds_none_of_the_servers_pipes(tmp_path, server):
    folder = mutate(copy_submission(SOLUTIONS, tmp_path / "submission"), "layers.py", *HANG)
    forked = server.start(_check_argv(folder, tmp_path / "out.json", "--timeout", "300"), tmp_path / "err")
    assert forked is not None
    try:
        _wait_for(lambda: len(tree(forked.pid)) > 1)   # its worker is up: the check is under way
        assert os.getsid(forked.pid) == forked.pid
        server_pipes = {link for link in _links(server._proc.pid) if link.startswith("pipe:")}
        assert server_pipes   # the requests and the replies
        assert not _links(forked.pid) & server_pipes
        assert {os.readlink(f"/proc/{forked.pid}/fd/{fd}") for fd in (0, 1)} == {os.devnull}
        started = tree(forked.pid)
    finally:
        check_processes.processes.kill_tree(forked)
    assert forked.wait(30) == -signal.SIGKILL
    _wait_for(lambda: not any(alive(pid) for pid in started), 30)


def test_a_lost_server_ends_its_checks_and_starts_no_more(tmp_path, server):
    folder = mutate(copy_submission(SOLUTIONS, tmp_path / "submission"), "layers.py", *HANG)
    forked = server.start(_check_argv(folder, tmp_path / "out.json", "--timeout", "300"), tmp_path / "err")
    _wait_for(lambda: len(tree(forked.pid)) > 1)
    started = tree(forked.pid)
    os.kill(server._proc.pid, signal.SIGKILL)
    assert forked.wait(30) == -signal.SIGKILL   # nobody can reap it now: it is ended, not waited for
    _wait_for(lambda: not any(alive(pid) for pid in started), 30)
    assert server.start(_check_argv(folder, tmp_path / "again.json"), tmp_path / "err2") is None


def _grade(course, output, **env):
    return subprocess.run([sys.executable, "-m", "grader", "grade", str(course), "--output", str(output),
                           "--jobs", "2", "--lang", "en", "--seed", "0"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, env={**os.environ, **env})


def test_grade_gives_the_same_gradebook_with_and_without_the_fork_server(tmp_path):
    course = tmp_path / "class"
    copy_submission(SOLUTIONS, course / "alice")
    mutate(copy_submission(SOLUTIONS, course / "bob"), "layers.py", *BROKEN)
    (course / "carol").mkdir()
    gradebooks = []
    for switch in ("on", "off"):
        output = tmp_path / switch / "gradebook.csv"
        done = _grade(course, output, GRADER_FORKSERVER=switch)
        assert done.returncode == 0, done.stderr
        with open(output, newline="", encoding="utf-8") as fh:
            gradebooks.append(list(csv.reader(fh)))
    assert gradebooks[0] == gradebooks[1]
    scores = {row[0]: float(row[1]) for row in gradebooks[0][1:]}
    assert scores["alice"] == 100 and 0 < scores["bob"] < 100 and scores["carol"] == 0


def test_a_server_that_died_before_its_first_check_starts_none(tmp_path, server):
    os.kill(server._proc.pid, signal.SIGKILL)
    server._proc.wait()
    started = time.monotonic()
    assert server.start(_check_argv(tmp_path, tmp_path / "out.json"), tmp_path / "err") is None
    assert time.monotonic() - started < 10   # grade then spawns the check instead of waiting


def test_no_check_and_no_worker_starts_with_another_submissions_name_in_memory(tmp_path, server):
    """The server never reads a request's payload; each check reads its own. So a worker, which
    starts as a copy of its check, which starts as a copy of the server, cannot find in its own
    memory which classmates were graded before it."""
    alice = copy_submission(SOLUTIONS, tmp_path / "alice-7f3e9c21d4")
    first = server.start(_check_argv(alice, tmp_path / "alice.json", "MulLayer"), tmp_path / "alice.err")
    assert first is not None and first.wait(120) == 0
    bob = mutate(copy_submission(SOLUTIONS, tmp_path / "bob"), "layers.py", *HANG)
    second = server.start(_check_argv(bob, tmp_path / "bob.json", "--timeout", "300"), tmp_path / "bob.err")
    assert second is not None
    try:
        _wait_for(lambda: len(tree(second.pid)) > 2)   # its workers are up
        name = alice.name.encode()
        seen = {pid: memory_holds(pid, name) for pid in (server._proc.pid, *tree(second.pid))}
    finally:
        check_processes.processes.kill_tree(second)
        second.wait(30)
    if seen[server._proc.pid] is None:
        pytest.skip("the fork server's memory cannot be read here (it takes root)")
    assert not any(seen.values()), seen


def test_a_check_forked_in_a_background_job_keeps_sigint_ignored_as_a_spawned_one_does(tmp_path, monkeypatch):
    """grade started with SIGINT ignored (a shell's background job): a new interpreter inherits
    that, and so do its workers; student code sees the same disposition either way."""
    monkeypatch.chdir(ROOT)
    folder = copy_submission(SOLUTIONS, tmp_path / "submission")
    # A wrong forward that says what it sees: a failure's report shows the student's output.
    mutate(folder, "layers.py", "        return x * y",
           "        import signal\n        print('SIGINT ignored:', signal.getsignal(signal.SIGINT) == signal.SIG_IGN)\n"
           "        return x * y + 1")
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)   # inherited by what starts now
    try:
        server = check_processes.ForkServer(check_environment(1), "en")
        spawned = check_processes.spawn(_check_argv(folder, tmp_path / "spawned.json", "MulLayer"),
                                        check_environment(1), tmp_path / "spawned.stderr")
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        forked = server.start(_check_argv(folder, tmp_path / "forked.json", "MulLayer"), tmp_path / "forked.stderr")
        assert forked is not None and forked.wait(120) == 1
    finally:
        server.close()
    assert spawned.wait(120) == 1
    forked_report, spawned_report = _report(tmp_path / "forked.json"), _report(tmp_path / "spawned.json")
    assert "SIGINT ignored: True" in json.dumps(spawned_report)
    assert forked_report == spawned_report

"""`grader grade` resumes: complete results of unchanged submissions under the same parameters are
reused, anything else is graded again; an interrupted run keeps what it finished."""
from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time

from grader import stamp
from grader.config import Config, parse
from grader.settings import Budgets
from tests.conftest import ROOT, SOLUTIONS, copy_submission, mutate
from tests.process_support import alive, tree

BROKEN = ("            dx = (self.y - self.t) / batch_size", "            dx = self.y - self.t")


def grade(course, output, *extra, timeout=600):
    return subprocess.run([sys.executable, "-m", "grader", "grade", str(course), "--output", str(output),
                           "--jobs", "1", "--lang", "en", *extra],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def scores(output):
    with open(output, newline="", encoding="utf-8") as fh:
        return {row["submission"]: row["score"] for row in csv.DictReader(fh)}


def checks_of(course):
    """Processes whose command line names the class folder (Linux: /proc)."""
    found = []
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as fh:
                    if os.fsencode(str(course)) in fh.read():
                        found.append(int(entry))
            except OSError:
                pass
    return found


def test_a_rerun_grades_only_what_changed(tmp_path):
    course = tmp_path / "class"
    copy_submission(SOLUTIONS, course / "alice")
    mutate(copy_submission(SOLUTIONS, course / "bob"), "layers.py", *BROKEN)
    output = tmp_path / "out" / "gradebook.csv"
    first = grade(course, output)
    assert first.returncode == 0, first.stderr
    assert "2 submissions graded and 0 reused" in first.stderr
    table = scores(output)
    assert table["alice"] == "100" and table["bob"] != "100" and set(table) == {"alice", "bob"}
    alice = json.loads((output.with_name("gradebook.results") / "alice.json").read_text(encoding="utf-8"))
    assert alice["extra_data"]["grade"]["complete"] is True

    mutate(course / "bob", "layers.py", BROKEN[1], BROKEN[0])  # bob fixes his bug
    second = grade(course, output)
    assert second.returncode == 0, second.stderr
    assert "1 submission graded and 1 reused" in second.stderr
    assert scores(output) == {"alice": "100", "bob": "100"}


HANG = ("class MulLayer:", "while True:\n    pass\n\n\nclass MulLayer:")


def test_an_interrupted_run_keeps_what_it_finished(tmp_path):
    """b hangs for its whole budget (300 s): only stopping the check under way lets the run end
    at once."""
    course = tmp_path / "class"
    copy_submission(SOLUTIONS, course / "a")
    mutate(copy_submission(SOLUTIONS, course / "b"), "layers.py", *HANG)
    copy_submission(SOLUTIONS, course / "c")
    output = tmp_path / "gradebook.csv"
    results = tmp_path / "gradebook.results"
    command = [sys.executable, "-m", "grader", "grade", str(course), "--output", str(output), "--jobs", "1",
               "--lang", "en", "--timeout", "300"]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while not (results / "a.json").exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1)  # b's check is under way
    started = tree(proc.pid)   # grade, its checks (forked or not) and their workers
    assert len(started) >= 3
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "run the same command again" in err
    assert not output.exists()  # no gradebook from half a class
    time.sleep(0.5)
    assert not [pid for pid in started if alive(pid)], "a process of the interrupted run is still running"
    assert not checks_of(course), "a check of the interrupted run is still running"
    assert sorted(p.stem for p in results.glob("*.json")) == ["a"]
    assert json.loads((results / "a.json").read_text(encoding="utf-8"))["extra_data"]["grade"]["complete"]

    mutate(course / "b", "layers.py", HANG[1], HANG[0])
    again = grade(course, output, "--timeout", "300")
    assert again.returncode == 0, again.stderr
    assert "2 submissions graded and 1 reused" in again.stderr
    assert scores(output) == {"a": "100", "b": "100", "c": "100"}


def test_the_stamp_ties_a_result_to_files_and_parameters(tmp_path):
    folder = copy_submission(SOLUTIONS, tmp_path / "alice")
    digest = stamp.submission_digest(folder)
    config = Config()
    params = stamp.class_parameters(0, stamp.configuration_digest(config, Budgets()), config.max_score)
    report = stamp.stamp({"score": 100, "tests": []}, "alice", digest, params, complete=True)
    assert stamp.reusable(report, "alice", digest, params)
    assert not stamp.reusable(report, "bob", digest, params)
    for key, value in (("seed", 1), ("config_digest", "0" * 64), ("max_score", 90.0), ("grader_version", "x")):
        assert not stamp.reusable(report, "alice", digest, {**params, key: value}), key
    incomplete = stamp.stamp({"score": 0}, "alice", digest, params, complete=False)
    assert not stamp.reusable(incomplete, "alice", digest, params)
    assert not stamp.reusable({"score": 100}, "alice", digest, params)


def test_the_submission_digest_sees_python_files_only(tmp_path):
    folder = copy_submission(SOLUTIONS, tmp_path / "alice")
    before = stamp.submission_digest(folder)
    (folder / "notes.txt").write_text("not code", encoding="utf-8")
    (folder / "__pycache__").mkdir(exist_ok=True)
    (folder / "__pycache__" / "x.py").write_text("x = 1\n", encoding="utf-8")
    assert stamp.submission_digest(folder) == before
    layers = folder / "layers.py"
    layers.write_bytes(layers.read_bytes() + b"\n")
    assert stamp.submission_digest(folder) != before
    os.rename(layers, folder / "layers2.py")
    assert stamp.submission_digest(folder) not in (before,)


def test_the_configuration_digest_follows_what_changes_scores(tmp_path):
    base = stamp.configuration_digest(Config(), Budgets())
    assert stamp.configuration_digest(Config(source=tmp_path / "grader.toml"), Budgets()) == base
    assert stamp.configuration_digest(parse({"points": {"Affine": 20}}), Budgets()) != base
    assert stamp.configuration_digest(parse({"mnist_target": 0.9}), Budgets()) != base
    assert stamp.configuration_digest(Config(), Budgets(exercise=5.0)) != base

"""A worker forked inside a check that the fork server forked (grader/sandbox/fork_worker.py) is,
seen from inside, the worker a new interpreter would have been: the same arguments, environment,
descriptors, signal dispositions, streams, search path and imported modules; it is used only
while the check has one thread; and ends as a spawned one does."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from grader import forkserver
from grader.sandbox.policy import is_own_id
from tests.conftest import ROOT

PROBE = Path(__file__).parent / "probes" / "probe.py"
forked_only = pytest.mark.skipif(not forkserver.available(), reason="checks are forked on Linux only")
# Imported in the fork server before it records the worker's modules: the interpreter's `-m`
# machinery, the module it runs (grader.forkserver there, the probe's harness here) and the one
# that records.
RUN_AS_MAIN = {"runpy", "importlib.util", "importlib._abc", "tests", "tests.fork_probe",
               "grader.sandbox.fork_worker"}


def _run(folder: Path, mode: str, ignored: tuple = ()) -> str:
    def ignore():   # as nohup or a shell's background job leave the grader
        for name in ignored:
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    done = subprocess.run([sys.executable, "-m", "tests.fork_probe", str(folder), mode], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, preexec_fn=ignore)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _facts(folder: Path, mode: str, ignored: tuple = ()) -> dict:
    return json.loads(_run(folder, mode, ignored))


@forked_only
@pytest.mark.parametrize("ignored", [(), ("SIGINT", "SIGQUIT", "SIGHUP")], ids=["foreground", "background"])
def test_a_forked_worker_sees_what_a_spawned_one_sees(tmp_path, ignored):
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "probe.py").write_text(PROBE.read_text(encoding="utf-8"), encoding="utf-8")
    forked, spawned = _facts(folder, "forked", ignored), _facts(folder, "spawned", ignored)
    assert (forked.pop("started_as"), spawned.pop("started_as")) == ("ForkedWorker", "Popen")
    # Each worker has a scratch folder (HOME, TMPDIR, the copy on sys.path), a token and, as root,
    # a uid of its own.
    for facts in (forked, spawned):
        facts["path"][0] = os.path.basename(facts["path"][0])
        facts["uid"] = "own" if is_own_id(facts["uid"]) else facts["uid"]
        for name in ("HOME", "TMPDIR", "GRADER_WORKER_TOKEN"):
            assert facts["environ"].pop(name)
    extra = set(forked.pop("modules")) - set(spawned.pop("modules"))
    assert extra <= RUN_AS_MAIN, extra
    assert forked == spawned
    assert forked["output"] == "" and forked["threads"] == 1


@forked_only
def test_workers_are_forked_only_while_the_check_has_one_thread(tmp_path):
    assert _run(tmp_path, "threaded") == "Popen"


@forked_only
def test_a_forked_worker_ends_whole_and_is_dead_each_time_it_is_asked(tmp_path):
    assert _run(tmp_path, "dead") == "dead"

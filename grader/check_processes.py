"""The `grader check` processes of `grader grade`: forked from a fork server where the platform
allows (grader/forkserver.py), else started as new interpreters, as before.

Either way each check is a process of its own, in a session of its own, with the environment
grade gives it; its stdout goes nowhere and its stderr to a file the caller reads once it ended.
Both kinds answer the same three things: `pid`, `wait(timeout)` (subprocess.TimeoutExpired when
it is still running) and `kill()`, so sandbox.processes.kill_tree ends either with its tree.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from grader import forkserver
from grader.sandbox import processes

# How long the fork server may take to answer a request: its imports come first, a few tenths
# of a second on a warm disk. A server that says nothing for this long is given up on.
SERVER_PATIENCE = 120.0


def spawn(argv: list[str], env: dict, stderr: Path) -> subprocess.Popen:
    """`python -m grader ARGV` as a new interpreter."""
    with open(stderr, "wb") as err:
        return subprocess.Popen([sys.executable, "-m", "grader", *argv], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err, env=env, **processes.popen_options())


class Forked:
    """A check the fork server started: the server reports its end, since only it can reap it."""

    def __init__(self):
        self.pid: int | None = None
        self.returncode: int | None = None
        self._started = threading.Event()
        self._ended = threading.Event()

    def wait(self, timeout: float | None = None) -> int:
        if not self._ended.wait(timeout):
            raise subprocess.TimeoutExpired("grader check", timeout)
        return self.returncode

    def kill(self) -> None:
        if self.pid is not None and not self._ended.is_set():
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def _ends(self, code: int) -> None:
        self.returncode = code
        self._started.set()
        self._ended.set()


class ForkServer:
    """The client's side: one server per `grader grade` run, started with the checks' environment."""

    def __init__(self, env: dict, lang: str):
        self._lock = threading.Lock()
        self._next = 0
        self._pending: dict[int, Forked] = {}
        self.gone = False
        self._proc = subprocess.Popen([sys.executable, "-m", "grader.forkserver", lang],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL, env=env, start_new_session=True)
        self._reader = threading.Thread(target=self._read, name="grader-forkserver", daemon=True)
        self._reader.start()

    def start(self, argv: list[str], stderr: Path) -> Forked | None:
        """The check, forked; None when the server cannot start it (the caller spawns it instead)."""
        forked = Forked()
        with self._lock:
            if self.gone:
                return None
            self._next += 1
            self._pending[self._next] = forked
            payload = json.dumps({"argv": argv, "stderr": os.fspath(stderr)}).encode()
            try:
                self._proc.stdin.write(forkserver.HEADER.pack(self._next, len(payload)) + payload)
                self._proc.stdin.flush()
            except OSError:
                self._lost()
                return None
        if not forked._started.wait(SERVER_PATIENCE):
            self.close()
        return forked if forked.pid is not None else None

    def _read(self) -> None:
        for line in self._proc.stdout:
            try:
                message = json.loads(line)
                forked = self._pending[message["id"]]
            except (ValueError, KeyError, TypeError):
                continue
            if "pid" in message:
                forked.pid = int(message["pid"])
                forked._started.set()
            elif "status" in message:
                with self._lock:
                    self._pending.pop(message["id"], None)
                forked._ends(int(message["status"]))
            elif "error" in message:   # not forked: the caller spawns it
                with self._lock:
                    self._pending.pop(message["id"], None)
                forked._started.set()
        with self._lock:
            self._lost()

    def _lost(self) -> None:
        """The server is gone (with the lock held): nobody can reap its checks now, so those still
        running are ended and count as killed; those not started are started by the caller."""
        self.gone = True
        for forked in self._pending.values():
            if forked.pid is None:
                forked._started.set()
                continue
            processes.kill_tree(forked)
            forked._ends(-signal.SIGKILL)
        self._pending.clear()

    def close(self) -> None:
        """No more checks: the server ends once its stdin closes. A check still under way then has
        nobody to reap it and is ended (_lost); grade closes the server only after its checks."""
        with self._lock:
            self.gone = True
        try:
            self._proc.stdin.close()
        except OSError:
            pass
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()

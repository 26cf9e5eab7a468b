"""Ending a worker and everything it started, the way each platform allows.

- Linux: the worker's PID namespace dies with its keeper; reaper.py's three nets (process group,
  descendants, token) catch whatever runs where namespaces were refused.
- macOS: the process group, then the descendants psutil can still see.
- Windows: the descendants psutil can see, then the worker (there are no process groups to
  signal; CREATE_NEW_PROCESS_GROUP only keeps Ctrl+C of the console away from it).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys


def popen_options() -> dict:
    """What makes a child the head of its own group on this platform."""
    if os.name == "nt":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def kill_tree(proc: subprocess.Popen, token: str = "") -> None:
    """SIGKILL (TerminateProcess) the worker and its descendants; never raises."""
    if sys.platform == "linux":
        from grader.sandbox import reaper
        reaper.kill_everything(proc.pid, token)
        return
    for child in _descendants(proc.pid):
        try:
            child.kill()
        except Exception:  # gone meanwhile, or not ours
            pass
    if os.name == "posix":
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    try:
        proc.kill()
    except OSError:
        pass


def _descendants(pid: int) -> list:
    try:
        import psutil
        return psutil.Process(pid).children(recursive=True)
    except Exception:  # no psutil, or the process is gone
        return []

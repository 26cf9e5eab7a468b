"""How long a worker has waited for a CPU: time it was ready to run while the machine ran others.

A deadline is a promise about the student's code, not about the machine: a check that times out
because other processes held the cores (a classmate's submission spinning a few hundred
processes beside it, or simply more jobs than cores) would carry a false verdict. So when a
deadline passes, the session adds the time its worker waited for a CPU since it last looked, and
waits on; a loop that never ends still times out, after its budget of time it could run.

Linux only, where the kernel keeps per-task scheduling statistics (/proc/PID/schedstat: time on
a CPU, time waiting on a run queue, in ns); elsewhere nothing is added. Only the worker's own
request loop counts (its main thread, pid 2 of its PID namespace): processes the student starts
could wait as long as they like, and that wait is no reason to wait longer.
"""
from __future__ import annotations

import os


def request_loop(keeper: int) -> int | None:
    """The host pid of the process serving the requests: `keeper` itself where there is no PID
    namespace, else the process that is pid 2 one level down from it. None if not found."""
    levels = _nspids(keeper)
    if levels is None:
        return None
    from grader.sandbox import reaper
    for pid in sorted(reaper.descendants(keeper)):
        inner = _nspids(pid)
        if inner is not None and len(inner) == len(levels) + 1 and inner[-1] == 2:
            return pid
    return keeper


def waited(pid: int) -> float | None:
    """Seconds the task `pid` has waited on a run queue since it started; None where unknown."""
    try:
        with open(f"/proc/{pid}/schedstat", encoding="ascii") as fh:
            return int(fh.read().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return None


def _nspids(pid: int) -> list[int] | None:
    """Its pid in each PID namespace from this one down (the NSpid line of /proc/PID/status)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("NSpid:"):
                    return [int(part) for part in line.split()[1:]]
    except (OSError, ValueError):
        return None
    return [pid] if os.path.exists(f"/proc/{pid}") else None

"""Process trees as Linux's /proc shows them: what a run started, and whether any of it is left."""
from __future__ import annotations

import os


def _parent_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="latin-1") as fh:
            stat = fh.read()
    except OSError:
        return None
    # The command name may hold spaces or parentheses: the fields start after the last ')'.
    return int(stat[stat.rindex(")") + 2:].split()[1])


def tree(pid: int) -> list[int]:
    """`pid` and every process descended from it now."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            parent = _parent_of(int(entry))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        head = todo.pop()
        found.append(head)
        todo += children.get(head, [])
    return found


def alive(pid: int) -> bool:
    """Running (a zombie has ended; only its parent has not collected it yet)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="latin-1") as fh:
            stat = fh.read()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2:].split()[0] != "Z"


def memory_holds(pid: int, needle: bytes) -> bool | None:
    """Whether `needle` is anywhere in the readable memory of process `pid`; None where this
    process may not read it (another uid's, or a non-dumpable one's without root)."""
    try:
        maps = open(f"/proc/{pid}/maps", encoding="latin-1")
        memory = open(f"/proc/{pid}/mem", "rb", buffering=0)
    except OSError:
        return None
    with maps, memory:
        regions = [line.split()[:2] for line in maps]
        readable = 0
        for addresses, permissions in regions:
            if not permissions.startswith("r"):
                continue
            start, end = (int(a, 16) for a in addresses.split("-"))
            try:
                memory.seek(start)
                chunk = memory.read(end - start)
            except (OSError, ValueError, OverflowError):
                continue   # [vvar] and the like
            readable += 1
            if needle in chunk:
                return True
        return False if readable else None

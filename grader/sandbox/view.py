"""A filesystem view in which an unprivileged uid can reach the folders the worker needs.

Python often lives where the worker's unprivileged uid cannot even look: under /root (mode 700)
with pyenv, in a CI job's `mktemp -d` folder (700). Making those folders readable on disk would open them to every
user of the machine; instead, inside the worker's own mount namespace, each such folder is
covered with an empty tmpfs (mode 755) and only the paths the worker needs are bound back into
it, read-only. Outside the namespace nothing changes, and the worker sees nothing else of those
folders: /root's other files are not there at all.
"""
from __future__ import annotations

import os
import stat

from grader.sandbox import linux


def searchable(path: str, uid: int, gid: int) -> bool:
    """Whether `uid` (in group `gid`, no others) may pass through the folder `path`."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    if st.st_uid == uid:
        return bool(st.st_mode & stat.S_IXUSR)
    if st.st_gid == gid:
        return bool(st.st_mode & stat.S_IXGRP)
    return bool(st.st_mode & stat.S_IXOTH)


def first_blocker(path: str, uid: int, gid: int) -> str | None:
    """The outermost folder above `path` that `uid` cannot pass through, or None."""
    parts = path.strip("/").split("/")
    current = ""
    for part in parts[:-1]:
        current += "/" + part
        if not searchable(current, uid, gid):
            return current
    return None


def outermost(paths) -> list[str]:
    """The paths that are not inside another of them."""
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path == k or path.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(path)
    return kept


def open_for(paths, uid: int, gid: int, writable=()) -> list[str]:
    """Make every path in `paths` reachable for uid/gid in this mount namespace; returns the
    folders that were covered. `writable` paths are bound back read-write (the scratch folder)."""
    needed = outermost(os.path.realpath(p) for p in list(paths) + list(writable) if os.path.exists(p))
    writable = {os.path.realpath(p) for p in writable}
    by_blocker: dict[str, list[str]] = {}
    for path in needed:
        blocker = first_blocker(path, uid, gid)
        if blocker is not None:
            by_blocker.setdefault(blocker, []).append(path)
    covered = []
    for blocker in outermost(by_blocker):
        inside = [p for b, ps in by_blocker.items() if b == blocker or b.startswith(blocker + "/") for p in ps]
        # Hold every path open before the tmpfs hides it; bind it back from the descriptor.
        held = {p: os.open(p, os.O_PATH | os.O_CLOEXEC) for p in inside}
        try:
            linux.mount("tmpfs", blocker, "tmpfs", linux.MS_NOSUID | linux.MS_NODEV, "mode=755,size=64k")
            for path, fd in held.items():
                _make_mount_point(path, os.path.isdir(f"/proc/self/fd/{fd}"))
                source = f"/proc/self/fd/{fd}"
                if path in writable:
                    linux.mount(source, path, None, linux.MS_BIND | linux.MS_REC)
                else:
                    linux.bind_read_only(source, path)
        finally:
            for fd in held.values():
                os.close(fd)
        covered.append(blocker)
    return covered


def _make_mount_point(path: str, is_dir: bool) -> None:
    parent = os.path.dirname(path)
    os.makedirs(parent, mode=0o755, exist_ok=True)
    if is_dir:
        os.makedirs(path, mode=0o755, exist_ok=True)
    elif not os.path.exists(path):
        with open(path, "w"):
            pass

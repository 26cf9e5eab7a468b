"""The private copy of a submission that a worker imports: regular `.py` files only.

The worker never sees the student's folder itself, so nothing it does can change it, and nothing
in it but Python source reaches the worker: no `__pycache__` (a solution's bytecode planted
beside a stub's source would be imported instead of the source), no symlink that leads out of
the folder (to `solutions/`, to another student's folder), no data file.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_FILE_BYTES = 1 << 20
MAX_FILES = 1_000
MAX_TOTAL_BYTES = 32 << 20
MAX_DEPTH = 8
_SKIPPED_DIRS = {"__pycache__", "node_modules", "site-packages", "dist-packages"}


class SnapshotError(Exception):
    """The submission cannot be copied within the caps; `key` is a message key."""

    def __init__(self, key: str, **params):
        super().__init__(f"{key}: {params}")
        self.key = key
        self.params = params


def take(root: Path, dest: Path) -> list[str]:
    """Copy root's `.py` files (recursively, within the caps) into `dest`; returns their paths
    relative to root, '/'-separated."""
    copied: list[str] = []
    for relative, data in sources(root):
        target = dest / relative
        target.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
        target.write_bytes(data)
        os.chmod(target, 0o644)
        copied.append(relative)
    return copied


def sources(root: Path):
    """(relative path, bytes) of every `.py` file a snapshot of `root` holds, within the caps
    (SnapshotError past them)."""
    root = Path(os.path.realpath(root))
    count = total = 0
    for relative, source in _python_files(root):
        size = os.fstat(source).st_size
        try:
            if size > MAX_FILE_BYTES:
                raise SnapshotError("err.file_too_big", file=relative, limit=MAX_FILE_BYTES)
            total += size
            count += 1
            if count > MAX_FILES or total > MAX_TOTAL_BYTES:
                raise SnapshotError("err.too_much_source", files=MAX_FILES, limit=MAX_TOTAL_BYTES)
            data = _read(source, size)
        finally:
            os.close(source)
        yield relative, data


def _read(fd: int, size: int) -> bytes:
    chunks, left = [], size
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 16))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _python_files(root: Path, relative: str = "", depth: int = 0):
    """(relative path, open descriptor) for each regular .py file; symlinks are followed only
    where they end inside root."""
    if depth > MAX_DEPTH:
        return
    folder = root / relative if relative else root
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    if any(e.name == "pyvenv.cfg" for e in entries):
        return  # a virtual environment someone created inside the folder
    for entry in entries:
        name = entry.name
        rel = f"{relative}/{name}" if relative else name
        if name.startswith(".") or name in _SKIPPED_DIRS:
            continue
        try:
            real = os.path.realpath(entry.path)
            if entry.is_symlink() and not real.startswith(str(root) + os.sep):
                continue
            st = os.stat(real)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode):
            if not entry.is_symlink():  # a linked folder would be walked twice, or forever
                yield from _python_files(root, rel, depth + 1)
        elif stat.S_ISREG(st.st_mode) and name.endswith(".py") and _printable(name):
            try:
                fd = os.open(real, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
            except OSError:
                continue
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for a FIFO or device meanwhile
                os.close(fd)
                continue
            yield rel, fd


def _printable(name: str) -> bool:
    """A name Python can import and a report can print (no undecodable bytes)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True

"""Writing into a student's folder without following links out of it.

`grader init` and `grader reset` write where a student (or a classmate, or a planted file) may
have left symlinks: `layers.py -> ~/.bashrc`, a backup name pointing at another folder. Files are
only ever created anew (O_EXCL: an existing name, link or not, is never written through) and a
file to be replaced must be a regular file, not a link.
"""
from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from grader.commands.common import UsageError


def create_new(path: Path, text: str) -> None:
    """Create `path` with `text` (UTF-8); fails if anything, even a dangling link, has the name."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)


def regular_file(path: Path) -> None:
    """Refuse to touch `path` unless it is a regular file itself (not a link to one)."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        raise UsageError("err.no_file", path=str(path)) from None
    if not stat.S_ISREG(mode):
        raise UsageError("err.not_regular", path=str(path))


def replace_with(path: Path, text: str) -> None:
    """Replace the regular file `path` by a new one holding `text`, atomically: written under a
    fresh random name in the same folder and renamed over it (rename never follows a link)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, stat.S_IMODE(os.lstat(path).st_mode))
        os.replace(tmp, path)
    except BaseException:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise

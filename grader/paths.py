"""Where the grader keeps what it computed once (decoded MNIST, verdicts): one folder per user."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def cache_dirs() -> list[Path]:
    """GRADER_CACHE_DIR, else the user's cache folder; then a per-user folder in the temporary
    folder, for when the first cannot be written."""
    dirs = []
    if os.environ.get("GRADER_CACHE_DIR"):
        dirs.append(Path(os.environ["GRADER_CACHE_DIR"]))
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        dirs.append(Path(base) / "backprop-grader")
    dirs.append(Path(tempfile.gettempdir()) / f"backprop-grader-{os.getuid() if hasattr(os, 'getuid') else 0}")
    return dirs

"""How much a worker has put in its scratch folder, seen from the parent.

Counted in allocated blocks (a sparse file takes none), without following links, and given up
as too much beyond MOST_ENTRIES entries: a folder of a million empty files is no honest answer
either, and counting it must stay cheap.
"""
from __future__ import annotations

import os

MOST_ENTRIES = 50_000


def used_beyond(folder: str, limit: int) -> bool:
    """Whether `folder` holds more than `limit` bytes (or more than MOST_ENTRIES entries)."""
    used, entries, pending = 0, 0, [folder]
    while pending:
        try:
            listing = os.scandir(pending.pop())
        except OSError:
            continue
        with listing:
            for entry in listing:
                entries += 1
                if entries > MOST_ENTRIES:
                    return True
                try:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
                    info = entry.stat(follow_symlinks=False)
                    blocks = getattr(info, "st_blocks", None)   # not on Windows
                    used += info.st_size if blocks is None else blocks * 512
                except OSError:
                    continue
                if used > limit:
                    return True
    return False

"""`--shard K/N`: which N-th of a class one machine grades.

A submission's shard comes from a hash of its folder name (the bytes, so a name that is not UTF-8
has one too), never from its position in a listing: every machine agrees whatever else the folder
holds, and a late submission does not move the others between shards.
"""
from __future__ import annotations

import hashlib
import os


class ShardError(ValueError):
    pass


def parse(text: str) -> tuple[int, int]:
    """'2/8' -> (2, 8); K counts from 1."""
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError:
        raise ShardError(f"--shard must be K/N, such as 1/4, not {text!r}") from None
    if n < 1 or not 1 <= k <= n:
        raise ShardError(f"--shard {text}: K must be from 1 to N, and N at least 1")
    return k, n


def shard_of(folder_name: str | bytes, n: int) -> int:
    """The shard (1..n) of a submission folder's name."""
    raw = folder_name if isinstance(folder_name, bytes) else os.fsencode(folder_name)
    return int.from_bytes(hashlib.sha256(raw).digest()[:8], "big") % n + 1

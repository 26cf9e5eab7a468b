"""The one description of a worker's jail: built by the parent, applied by the worker before any
student code runs (confine.py), and reported back so that every report says what held."""
from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass, field

MODES = ("auto", "require", "off")
# Root switches each worker to a uid and gid of its own, never shared with another worker: the
# process limit (RLIMIT_NPROC) counts a uid's processes wherever they run, so a worker holding
# its fill would otherwise leave none to the workers of classmates graded beside it. They come
# from a range systemd's table of uid ranges lists as unused (1879048192-2147483647): the base,
# plus the worker's pid (unique among the live processes of its PID namespace, below 2**22)
# shifted by a number drawn from that namespace, so that graders in two containers on one
# kernel do not meet either.
# Where this user namespace maps no such id (a rootless container maps 65536 ids or so), the
# worker is nobody, as before.
OWN_IDS = 0x70000000
OWN_SPAN = 1 << 22
NOBODY = 65534


def worker_id() -> int:
    """The uid, and gid, root switches this worker to."""
    try:
        salt = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        salt = 0
    own = OWN_IDS + (os.getpid() + salt) % OWN_SPAN
    return own if all(_mapped(own, kind) for kind in ("uid", "gid")) else NOBODY


def _mapped(number: int, kind: str) -> bool:
    try:
        with open(f"/proc/self/{kind}_map", encoding="ascii") as fh:
            ranges = [tuple(int(field) for field in line.split()) for line in fh if line.strip()]
    except (OSError, ValueError):
        return False
    return any(inside <= number < inside + count for inside, _, count in ranges)


def is_own_id(uid: int | None) -> bool:
    return uid is not None and OWN_IDS <= uid < OWN_IDS + OWN_SPAN


class SandboxUnavailable(Exception):
    """`--sandbox require` and a confinement that could not be applied; `reason` says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Policy:
    mode: str = "auto"                                  # auto | require | off
    read: list = field(default_factory=list)            # hierarchies to read (and execute)
    write: list = field(default_factory=list)           # hierarchies to write: the scratch folder
    memory_mb: int = 2048
    file_mb: int = 256                                  # largest file the worker may write
    scratch_mb: int = 512                               # all it may write, where it has a mount namespace
    processes: int = 256                                # RLIMIT_NPROC, once on a uid of its own
    uid: int | None = None                              # None: one of its own (worker_id), chosen
    gid: int | None = None                              # by the worker, whose pid it is made of
    # Confinements to leave out, as if this kernel lacked them ("namespaces", "landlock"): how the
    # tests reach the fallbacks and `--sandbox require`'s refusal on a machine that has it all.
    without: list = field(default_factory=list)
    parent: int = 0                                     # the grader's pid: the worker dies with it

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "Policy":
        return cls(**json.loads(text))


def left_out() -> list:
    """GRADER_SANDBOX_WITHOUT=namespaces,landlock (tests only)."""
    return [w.strip() for w in os.environ.get("GRADER_SANDBOX_WITHOUT", "").split(",") if w.strip()]


def default_mode() -> str:
    """GRADER_SANDBOX, for benchmarks and the portable path's tests; else auto."""
    mode = os.environ.get("GRADER_SANDBOX", "auto").strip().lower() or "auto"
    return mode if mode in MODES else "auto"


@dataclass(frozen=True)
class Applied:
    """What the worker applied, as it said before any student code ran (see session.py)."""
    landlock: int = 0                  # ABI version, 0 for none
    namespaces: tuple = ()             # "pid", "net", "mount", "ipc", "user"
    uid: int | None = None
    capabilities: bool = True          # whether any capability was left
    extras: tuple = ()                 # "no TCP", "signals scoped", "no_new_privs"
    missing: tuple = ()                # what could not be applied, and why

    @property
    def complete(self) -> bool:
        """The guarantees SECURITY.md states for Linux: files, processes and rights all held."""
        walls = self.landlock or "read-only view" in self.extras
        return bool(walls and "pid" in self.namespaces and not self.capabilities)

    def summary(self) -> str:
        if sys.platform != "linux" and not self.landlock and not self.namespaces:
            return f"none on {sys.platform}: a separate process only (grade classes on Linux)"
        parts = []
        if self.landlock:
            parts.append(", ".join([f"landlock ABI {self.landlock}", *self.extras]))
        elif self.extras:
            parts.append(", ".join(self.extras))
        if self.namespaces:
            parts.append("+".join(self.namespaces) + " namespaces")
        if self.uid is not None:
            who = "a uid of its own" if is_own_id(self.uid) else f"uid {self.uid}"
            parts.append(who + ("" if not self.capabilities else " with capabilities"))
        if self.missing:
            parts.append("missing: " + "; ".join(self.missing))
        return ", ".join(parts) or "none"

    def to_dict(self) -> dict:
        return {"summary": self.summary(), "complete": self.complete, "landlock_abi": self.landlock,
                "namespaces": list(self.namespaces), "uid": "own" if is_own_id(self.uid) else self.uid,
                "capabilities": self.capabilities, "missing": list(self.missing)}

    @classmethod
    def from_wire(cls, value) -> "Applied":
        """Decoded from the worker's first frame; anything malformed reads as nothing applied."""
        if not isinstance(value, dict):
            return cls(missing=("no description from the worker",))
        try:
            return cls(landlock=int(value.get("landlock", 0)),
                       namespaces=tuple(str(n) for n in value.get("namespaces", ()))[:8],
                       uid=None if value.get("uid") is None else int(value["uid"]),
                       capabilities=bool(value.get("capabilities", True)),
                       extras=tuple(str(e)[:40] for e in value.get("extras", ()))[:8],
                       missing=tuple(str(m)[:200] for m in value.get("missing", ()))[:8])
        except (TypeError, ValueError):
            return cls(missing=("a malformed description from the worker",))

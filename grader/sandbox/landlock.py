"""Landlock rules for the worker, through the landlockpy package (no dependencies, ABI 1 to 11,
best effort on older kernels).

Everything the running kernel can handle is handled, so anything not granted below is denied:
files outside the listed folders, every TCP bind and connect (ABI 4), signals to and abstract
unix sockets of processes outside the worker's domain (ABI 6). ptrace of anything outside the
domain is denied by Landlock itself, at every ABI.
"""
from __future__ import annotations

import os

READ, LIST, WRITE = "read", "list", "write"


def available() -> tuple[int, str]:
    """Landlock's ABI version on this kernel (0 where there is none), and why not."""
    try:
        import landlockpy
    except ImportError:
        return 0, "the landlockpy package is not installed"
    try:
        abi = landlockpy.abi_version()
    except OSError as exc:
        return 0, str(exc)
    return abi, "" if abi else "not enabled in this kernel"


def prepare(rules: list[tuple[str, str]]):
    """Build (not yet enforce) a ruleset from (kind, path) rules: READ a hierarchy (read files,
    list folders, execute), LIST a folder's entries only, WRITE a hierarchy (everything).
    Paths that do not exist are left out. Returns (ruleset, description)."""
    from landlockpy import AccessFS, AccessNet, Ruleset, Scope
    ruleset = Ruleset(handled_net=AccessNet.BIND_TCP | AccessNet.CONNECT_TCP,
                      scoped=Scope.ABSTRACT_UNIX_SOCKET | Scope.SIGNAL)
    every = ruleset.handled_fs
    read_file = AccessFS.READ_FILE | AccessFS.EXECUTE
    grants = {READ: read_file | AccessFS.READ_DIR, LIST: AccessFS.READ_DIR, WRITE: every}
    for kind, path in rules:
        if not os.path.exists(path):
            continue
        access = grants[kind]
        if not os.path.isdir(path):
            # A rule on a file may only name rights that apply to files.
            access &= read_file | AccessFS.WRITE_FILE | AccessFS.TRUNCATE | AccessFS.IOCTL_DEV
        ruleset.allow_path(path, access)
    parts = [f"landlock ABI {ruleset.abi_version}"]
    if ruleset.handled_net:
        parts.append("no TCP")
    if ruleset.scoped:
        parts.append("signals scoped")
    return ruleset, parts


def enforce(ruleset) -> None:
    """Enforce on this thread and every process it starts (with no_new_privs)."""
    ruleset.restrict()
    ruleset.close()

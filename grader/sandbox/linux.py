"""The Linux system calls the sandbox is built from, through ctypes: namespaces, mounts, ids,
capabilities. Each function does one thing and raises OSError with the call's errno; choosing
what to apply, in which order, is confine.py's job.

No library covers these (the landlock packages cover Landlock only; nsjail and bubblewrap are
separate programs that would have to start Python themselves), and each is one call.
"""
from __future__ import annotations

import ctypes
import os

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4

_libc = None


def libc():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
        _libc.mount.argtypes = (ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                                ctypes.c_ulong, ctypes.c_char_p)
    return _libc


def _check(result: int, what: str) -> int:
    if result == -1:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")
    return result


def unshare(flags: int) -> None:
    _check(libc().unshare(ctypes.c_int(flags)), "unshare")


def prctl(option: int, arg: int = 0) -> int:
    return _check(libc().prctl(ctypes.c_int(option), ctypes.c_ulong(arg), ctypes.c_ulong(0),
                               ctypes.c_ulong(0), ctypes.c_ulong(0)), f"prctl({option})")


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    enc = (lambda s: None if s is None else os.fsencode(s))
    _check(libc().mount(enc(source), enc(target), enc(fstype), flags, enc(data)), f"mount {target}")


def bind_read_only(source: str, target: str) -> None:
    """Bind `source` onto `target`, then make that view read-only (two calls: Linux ignores
    MS_RDONLY on the bind itself)."""
    mount(source, target, None, MS_BIND | MS_REC)
    mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)


class _MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]


def read_only_tree(path: str = "/") -> None:
    """Every mount at and below `path` read-only and nosuid (mount_setattr, Linux 5.12). Devices
    stay usable: /dev/null must still be written, and read-only stops creating new ones."""
    attr = _MountAttr(1 | 2, 0, 0, 0)   # MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID
    at_fdcwd, at_recursive, sys_mount_setattr = -100, 0x8000, 442
    _check(libc().syscall(ctypes.c_long(sys_mount_setattr), ctypes.c_int(at_fdcwd), os.fsencode(path),
                          ctypes.c_uint(at_recursive), ctypes.byref(attr), ctypes.c_size_t(ctypes.sizeof(attr))),
           "mount_setattr")


def map_own_ids(uid: int, gid: int) -> None:
    """In a fresh user namespace: the same uid and gid inside as outside (read before the
    unshare: inside, until mapped, they read as the overflow id), no setgroups."""
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        with open(f"/proc/self/{name}", "w") as fh:
            fh.write(text)


def drop_bounding_set() -> None:
    """Capabilities can never come back through exec (needs CAP_SETPCAP: done while we have it)."""
    cap = 0
    while True:
        try:
            prctl(PR_CAPBSET_DROP, cap)
        except OSError:
            break  # EINVAL past the last capability this kernel knows
        cap += 1
    try:
        prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    except OSError:
        pass


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def clear_capabilities() -> None:
    """Effective, permitted and inheritable sets all empty (capset, version 3)."""
    header = _CapHeader(0x20080522, 0)
    data = (_CapData * 2)()
    _check(libc().capset(ctypes.byref(header), ctypes.byref(data)), "capset")


def counts_processes_per_namespace() -> bool:
    """Whether RLIMIT_NPROC counts a uid's processes per user namespace (Linux 5.14 and later):
    then a worker in a user namespace of its own can be given a limit of its own. Before, the count
    is the user's across the machine, the grader's own processes included."""
    try:
        major, minor = (int(part) for part in os.uname().release.split(".")[:2])
    except ValueError:
        return False
    return (major, minor) >= (5, 14)


def become(uid: int, gid: int) -> None:
    """Switch every id to uid/gid with no supplementary groups; from root this also empties the
    capability sets (no SECBIT_KEEP_CAPS)."""
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)


def effective_capabilities() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("CapEff:"):
                return int(line.split()[1], 16)
    return -1


def close_descriptors(keep=()) -> None:
    """Close every descriptor from 3 up but those in `keep`.

    The ones open are listed in /proc: closing every number up to the limit costs a system call
    per number where the kernel has no close_range (before 5.9), and containers often allow 2^20
    descriptors (closing 4,096 one by one from Python cost about 7 ms). Without /proc, every
    number up to the limit is closed."""
    keep = {fd for fd in keep if fd >= 3}
    try:
        listed = sorted(int(name) for name in os.listdir("/proc/self/fd"))
    except (OSError, ValueError):
        listed = None
    if listed is not None:
        for fd in listed:
            if fd >= 3 and fd not in keep:
                try:
                    os.close(fd)
                except OSError:
                    pass   # the descriptor the listing itself used, closed already
        return
    low = 3
    for fd in sorted(keep):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, descriptor_limit())


def descriptor_limit() -> int:
    """One past the highest descriptor this process may hold (its RLIMIT_NOFILE, at most 2^20)."""
    import resource
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return soft if 0 < soft < (1 << 20) else (1 << 20)

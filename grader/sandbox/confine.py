"""Applying the policy inside the worker, before any student code runs.

On Linux the worker becomes three processes:

    keeper  (the grader's child; outside every namespace; runs no student code, only waits)
      └─ init  (pid 1 of a new PID namespace: mounts, ids, Landlock, then reaps)
           └─ worker  (pid 2: the request loop and the student's code)

One SIGKILL to the keeper ends everything: init dies with it (PR_SET_PDEATHSIG), and when the
init of a PID namespace dies the kernel kills every process in it, however it forked, setsid'd
or renamed itself. The worker is not pid 1 because pid 1 ignores signals it has no handler for,
which would change what a student's own `os.kill` or `abort` does.

The order is fixed, as in bubblewrap: resource limits, namespaces, the mount view, the Landlock
ruleset (built while every path can still be opened), ids and capabilities dropped, Landlock
enforced (with no_new_privs). Whatever cannot be applied is recorded under `missing`; in
`require` mode the worker then refuses to run anything.
"""
from __future__ import annotations

import os
import select
import signal
import struct
import sys

from grader.sandbox.policy import Policy


def apply(policy: Policy) -> dict:
    """Confine this process; returns the description in the process that goes on to run
    student code (the keeper and init never return)."""
    applied: dict = {"landlock": 0, "namespaces": [], "uid": os.geteuid() if hasattr(os, "geteuid") else None,
                     "capabilities": True, "extras": [], "missing": []}
    if policy.uid is None:   # this process's pid makes it unique (policy.worker_id): before any fork
        from grader.sandbox.policy import worker_id
        policy.uid = policy.gid = worker_id()
    _limit_resources(policy)
    if sys.platform != "linux" or policy.mode == "off":
        applied["capabilities"] = _has_capabilities()
        if policy.mode == "off":
            applied["missing"].append("turned off (GRADER_SANDBOX=off or --sandbox off)")
        return applied
    from grader.sandbox import landlock, linux
    # A grader killed outright (OOM killer, a cancelled CI job) takes its workers with it.
    linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)
    if policy.parent and os.getppid() != policy.parent:
        os._exit(1)  # it died before the line above
    # Asked first: landlockpy finds libc by running ldconfig, which is best done in the open.
    abi, why_not = landlock.available()
    if "landlock" in policy.without:
        abi, why_not = 0, "left out (GRADER_SANDBOX_WITHOUT)"
    root = os.geteuid() == 0
    spaces = [] if "namespaces" in policy.without else _enter_namespaces(root, applied)
    if "namespaces" in policy.without:
        applied["missing"].append("namespaces: left out (GRADER_SANDBOX_WITHOUT)")
    if "pid" in spaces:
        _split_off_init()
    else:
        from grader.sandbox import reaper
        reaper.become_subreaper()
    uid = _build_view(policy, root, spaces, applied)
    if not abi and "mount" in spaces:
        _read_only_world(policy, uid, applied)
    ruleset = None
    if abi:
        try:
            ruleset, parts = landlock.prepare(_rules(policy))
            applied["landlock"] = abi
            applied["extras"] = parts[1:]
        except OSError as exc:
            applied["missing"].append(f"landlock: {exc}")
    else:
        applied["missing"].append(f"landlock: {why_not}")
    _drop_rights(policy, root, uid, spaces, applied)
    if "pid" in spaces:
        _die_with_parent()
        os.close(_ALIVE_FD[0])
    else:  # this process is the grader's child itself; a uid switch made Linux forget that too
        linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)
        if policy.parent and os.getppid() != policy.parent:
            os._exit(1)
    applied["capabilities"] = _has_capabilities()  # before Landlock closes /proc
    if ruleset is not None:
        landlock.enforce(ruleset)
    else:
        linux.prctl(linux.PR_SET_NO_NEW_PRIVS, 1)
    applied["extras"].append("no_new_privs")
    if "pid" in spaces:
        _become_init()   # returns only in the worker, pid 2
    return applied


# -- the steps ---------------------------------------------------------------------------------

def _limit_resources(policy: Policy) -> None:
    try:
        import resource
    except ImportError:
        return  # Windows: memory is bounded by the parent's Job Object, where there is one
    limits = [(resource.RLIMIT_CORE, 0)]
    if policy.memory_mb:
        limits.append((resource.RLIMIT_AS, policy.memory_mb << 20))
    if policy.file_mb:
        limits.append((resource.RLIMIT_FSIZE, policy.file_mb << 20))
    for which, value in limits:
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass  # macOS refuses RLIMIT_AS: the time budget still bounds the run
    _first_to_go_when_memory_runs_out()


def _first_to_go_when_memory_runs_out() -> None:
    """RLIMIT_AS bounds each process, not all of a worker's together: where a submission's
    processes exhaust the machine's memory, Linux's OOM killer must take workers, the largest
    first (the hoarder's), and never the grader. Raising one's own score needs no privilege, and
    the worker's children inherit it."""
    try:
        with open("/proc/self/oom_score_adj", "w", encoding="ascii") as fh:
            fh.write("1000")
    except OSError:
        pass   # not Linux, or no /proc


def _enter_namespaces(root: bool, applied: dict) -> list:
    from grader.sandbox import linux
    base = linux.CLONE_NEWPID | linux.CLONE_NEWNET | linux.CLONE_NEWNS | linux.CLONE_NEWIPC | linux.CLONE_NEWUTS
    # Root needs no user namespace (and keeps the power to switch to the worker's own uid); anyone else does.
    attempts = [base, base | linux.CLONE_NEWUSER] if root else [base | linux.CLONE_NEWUSER]
    uid, gid = os.geteuid(), os.getegid()
    for flags in attempts:
        try:
            linux.unshare(flags)
        except OSError as exc:
            error = exc
            continue
        spaces = ["pid", "net", "mount", "ipc"]
        if flags & linux.CLONE_NEWUSER:
            try:
                linux.map_own_ids(uid, gid)
            except OSError as exc:  # e.g. AppArmor's restriction on unprivileged user namespaces
                applied["missing"].append(f"user namespace without id maps: {exc.strerror}")
            spaces.append("user")
        applied["namespaces"] = spaces
        return spaces
    applied["missing"].append(f"namespaces: {error.strerror}")
    return []


def _split_off_init() -> None:
    """Fork init into the new PID namespace; this process stays behind as the keeper."""
    status_r, status_w = os.pipe()
    alive_r, alive_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(status_r)
        os.close(alive_w)
        _ALIVE_FD[0] = alive_r
        _die_with_parent()
        os.set_inheritable(status_w, False)
        _INIT_STATUS_FD[0] = status_w
        return
    try:
        _keep(pid, status_r, keep=(status_r, alive_w))
    finally:
        os._exit(1)  # the keeper never returns into the worker's code


_INIT_STATUS_FD = [-1]
_ALIVE_FD = [-1]      # init's end of a pipe only the keeper writes to: readable once it is gone


def _die_with_parent() -> None:
    """(Re-)arm init's death with the keeper. Linux forgets PR_SET_PDEATHSIG whenever the
    process's uid or gid changes, so this runs again after the switch to the worker's uid."""
    from grader.sandbox import linux
    linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)
    # The keeper may have died before the line above: its end of the pipe is then closed.
    readable, _, _ = select.select([_ALIVE_FD[0]], [], [], 0)
    if readable:
        os._exit(1)


def _keep(init: int, status_r: int, keep: tuple) -> None:
    """The keeper: hold nothing of the worker's (so the parent sees its pipes close when the
    worker ends), wait for init, and end the way the worker ended."""
    _close_all_but(keep)
    data = b""
    while len(data) < 4:
        chunk = os.read(status_r, 4 - len(data))
        if not chunk:
            break
        data += chunk
    _, init_status = os.waitpid(init, 0)
    status = struct.unpack("<i", data)[0] if len(data) == 4 else init_status
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)


def _close_all_but(keep: tuple) -> None:
    """Standard streams to /dev/null, every other descriptor but `keep` closed."""
    from grader.sandbox import linux
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    linux.close_descriptors(keep)


def _build_view(policy: Policy, root: bool, spaces: list, applied: dict) -> int | None:
    """The mount view; returns the uid to switch to (root only), or None to keep this one."""
    from grader.sandbox import linux, view
    if "mount" not in spaces:
        # No view can be built; root may still switch where the worker's uid reaches everything already.
        if root and not any(view.first_blocker(os.path.realpath(p), policy.uid, policy.gid)
                            for p in policy.read + policy.write if os.path.exists(p)):
            for folder in policy.write:
                _chown_tree(folder, policy.uid, policy.gid)
            return policy.uid
        return None
    try:
        linux.mount(None, "/", None, linux.MS_REC | linux.MS_PRIVATE)
    except OSError as exc:
        applied["missing"].append(f"private mounts: {exc.strerror}")
        return None
    if root and "user" not in spaces:
        try:
            view.open_for(policy.read, policy.uid, policy.gid, writable=policy.write)
            for folder in policy.write:   # still the worker's where no tmpfs can cover it
                _chown_tree(folder, policy.uid, policy.gid)
            _scratch_in_memory(policy, policy.uid, applied)
            return policy.uid
        except OSError as exc:
            applied["missing"].append(f"a view for uid {policy.uid}: {exc}")
            return None
    # Our own files stay ours in a user namespace: read-only binds stop chmod and touch on them.
    for path in view.outermost(os.path.realpath(p) for p in policy.read if os.path.exists(p)):
        try:
            linux.bind_read_only(path, path)
        except OSError:
            pass
    _scratch_in_memory(policy, None, applied)
    return None


def _scratch_in_memory(policy: Policy, uid: int | None, applied: dict) -> None:
    """The scratch folder becomes a tmpfs of policy.scratch_mb in this mount namespace: all that a
    submission writes is bounded (RLIMIT_FSIZE bounds only each file) and never reaches the disk
    that the grader and the classmates' checks write to, which it could otherwise fill. The
    working folder is the scratch folder: it is entered again, to be on the tmpfs."""
    from grader.sandbox import linux
    try:
        for folder in policy.write:
            linux.mount("tmpfs", folder, "tmpfs", linux.MS_NOSUID | linux.MS_NODEV,
                        f"mode=700,size={policy.scratch_mb}m")
            if uid is not None:
                os.chown(folder, uid, policy.gid)
        os.chdir(os.getcwd())
    except OSError as exc:
        applied["missing"].append(f"a scratch folder in memory: {exc.strerror}")


def _read_only_world(policy: Policy, uid: int | None, applied: dict) -> None:
    """Without Landlock, the namespace fallback: every mount read-only (the scratch tmpfs too,
    so a fresh one covers it), and a /proc of the worker's own PID namespace (no other process in
    sight)."""
    from grader.sandbox import linux
    try:
        linux.read_only_tree("/")
        linux.mount("proc", "/proc", "proc", linux.MS_NOSUID | linux.MS_NODEV)
        applied["extras"] = ["read-only view"]
    except OSError as exc:
        applied["missing"].append(f"a read-only view: {exc}")
        return
    _scratch_in_memory(policy, uid, applied)


def _chown_tree(folder: str, uid: int, gid: int) -> None:
    for base, dirs, files in os.walk(folder):
        for name in [base] + [os.path.join(base, n) for n in dirs + files]:
            os.lchown(name, uid, gid)


def _rules(policy: Policy) -> list:
    from grader.sandbox.landlock import READ, WRITE
    rules = [(READ, p) for p in policy.read] + [(WRITE, p) for p in policy.write]
    rules += [(WRITE, os.devnull), (READ, "/dev/urandom"), (READ, "/dev/zero")]
    return rules


def _drop_rights(policy: Policy, root: bool, uid: int | None, spaces: list, applied: dict) -> None:
    from grader.sandbox import linux
    if root or "user" in spaces:
        linux.drop_bounding_set()
    if uid is not None:
        try:
            linux.become(uid, policy.gid)
        except OSError as exc:  # a root whose user namespace does not map it (rootless containers)
            applied["missing"].append(f"uid {uid}: {exc.strerror}")
            uid = None
    if uid is not None or ("user" in spaces and linux.counts_processes_per_namespace()):
        try:
            import resource
            resource.setrlimit(resource.RLIMIT_NPROC, (policy.processes, policy.processes))
        except (ImportError, ValueError, OSError):
            pass
    if uid is None and (root or "user" in spaces):
        linux.clear_capabilities()
    applied["uid"] = os.geteuid()


def _has_capabilities() -> bool:
    if sys.platform != "linux":
        return hasattr(os, "geteuid") and os.geteuid() == 0
    from grader.sandbox import linux
    try:
        return linux.effective_capabilities() != 0
    except OSError:
        return True


def _become_init() -> None:
    """In init: fork the worker, then reap until it ends and pass its status to the keeper."""
    worker = os.fork()
    if worker == 0:
        from grader.sandbox import linux
        os.close(_INIT_STATUS_FD[0])
        linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)
        return
    try:
        _reap(worker)
    finally:
        os._exit(1)  # init never returns into the worker's code


def _reap(worker: int) -> None:
    _close_all_but((_INIT_STATUS_FD[0],))
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            os._exit(1)
        if pid == worker:
            os.write(_INIT_STATUS_FD[0], struct.pack("<i", status))
            os._exit(0)

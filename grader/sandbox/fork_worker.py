"""Workers forked, not spawned, inside a check that `grader grade` forked from its fork server.

A spawned worker is a new interpreter that imports numpy and the worker's modules before it
confines itself: about 0.1 s of CPU, twice per check (the MNIST run's worker and the other
exercises'). A check forked from the fork server (grader/forkserver.py) already holds those
modules, so it forks its workers instead, and each child becomes exactly what the spawned
worker would have been before `boot.main` runs: the same arguments, environment, working folder,
descriptors, signal dispositions, `sys.path` and imported modules. From `boot.main` on, the two
are the same code: the confinement, the channel and the request loop do not know how they began.

Forking is used only where it is safe:
- in a check forked from the fork server (`enable()`), started with grade's allow-listed
  environment. A forked worker can read in its own memory what the check held when it forked:
  the grader's code and the test set (which any worker can read on disk), and this submission's
  check as far as it had come (its files, its configuration, the first worker's session: that
  worker's descriptors are closed here, and its shared slots are the same student's, whose
  contents the parent already treats as the student's). No other submission's name is there:
  the fork server never reads a request's payload (grader/forkserver.py);
- on Linux, with the numbered-pipe transport;
- while the check has a single thread (a fork copies only the calling thread, and a lock another
  thread held would stay locked in the child forever). The workers a check starts first start
  before its first thread; one restarted later, after a crash, is spawned.
"""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time

from grader import BLAS_THREAD_VARIABLES

_enabled = False
# The modules a spawned worker has imported when boot.main starts (recorded by the fork server
# before it imports anything else): the forked child forgets every other, so that a student's
# file named like one of them (csv.py, report.py) is found, as it would be in a spawned worker.
_worker_modules: frozenset = frozenset()
# The search path of `python -E -s -B -c` here (asked once: the fork server's own has the folder
# grade runs in first, and site's .pth files may then have left an entry out), and the standard
# streams' encodings, which a new interpreter in the same environment chooses as the server did.
_spawned_path: list = []
_stdio: dict = {}
WORKER_IMPORTS = ("grader.sandbox.boot", "grader.protocol", "grader.sandbox.confine", "grader.sandbox.policy",
                  "grader.worker", "grader.ran_lines", "grader.slots", "grader.sandbox.landlock",
                  "grader.sandbox.linux", "grader.sandbox.view")


def record_worker_modules() -> None:
    """In the fork server, first thing: import what a worker imports before it runs student
    code, and remember the set. Where the environment asks for more BLAS threads than a worker
    has, workers are not forked."""
    import importlib
    global _worker_modules, _spawned_path
    # A spawned worker is given one BLAS thread (session.py); numpy reads that once, when first
    # imported, here.
    for name in BLAS_THREAD_VARIABLES:
        os.environ.setdefault(name, "1")
    if any(os.environ[name] != "1" for name in BLAS_THREAD_VARIABLES):
        return
    for name in WORKER_IMPORTS:
        importlib.import_module(name)
    # Confinement imports these on its way (confine.apply), and landlockpy runs ldconfig to find
    # libc: 15-30 ms of each worker's CPU, done here once for every forked worker. A spawned
    # worker has them too by the time it runs student code, so the two still look the same then.
    import resource  # noqa: F401
    from grader.sandbox import landlock
    landlock.available()
    modules = frozenset(sys.modules)
    try:
        asked = subprocess.run([sys.executable, "-E", "-s", "-B", "-c",
                                "import json, sys; print(json.dumps(sys.path))"],
                               capture_output=True, text=True, timeout=60)
        _spawned_path = [str(entry) for entry in json.loads(asked.stdout)]
    except (OSError, ValueError, subprocess.SubprocessError):
        return   # not known: workers are spawned
    _worker_modules = modules
    for name in ("stdin", "stdout", "stderr"):
        stream = getattr(sys, name)
        _stdio[name] = (stream.encoding, stream.errors)


def enable() -> None:
    """In a check the fork server has just forked."""
    global _enabled
    _enabled = bool(_worker_modules)


def usable() -> bool:
    if not _enabled or sys.platform != "linux":
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


class ForkedWorker:
    """What the session needs of a subprocess.Popen: pid, poll, wait, kill, returncode."""

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        self._pidfd = os.pidfd_open(pid)
        self._owner = os.getpid()   # a worker forked later holds a copy of this object, not its pidfd

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:   # reaped elsewhere: it has ended, with no code to tell
                self.returncode = -signal.SIGKILL
            else:
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
            if self.returncode is not None:
                self._release()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout)
            select.select([self._pidfd], [], [], left)   # readable once the process has ended
        return self.returncode

    def kill(self) -> None:
        if self.returncode is None:
            try:
                signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
            except (ProcessLookupError, OSError):
                pass

    def _release(self) -> None:
        if self._pidfd >= 0 and os.getpid() == self._owner:
            os.close(self._pidfd)
            self._pidfd = -1

    def __del__(self):
        self._release()


def start(argv: list, env: dict, cwd: str, output_fd: int, keep: tuple) -> ForkedWorker:
    """Fork the worker: the child runs boot.main(argv) as `python -c BOOTSTRAP GRADER_ROOT ARGV`
    would, with stdin on /dev/null, stdout and stderr on `output_fd`, and of this process's
    descriptors only `keep` (the channel and the shared slots)."""
    grader_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for stream in (sys.stdout, sys.stderr):   # or the child would write the check's leftovers
        stream.flush()
    pid = os.fork()
    if pid:
        return ForkedWorker(pid)
    try:
        _become_spawned_worker(grader_root, argv, env, cwd, output_fd, keep)
        from grader.sandbox.boot import main
        main(argv)   # returns in the worker when its requests end, as a spawned one's would
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
    except BaseException:   # before the channel exists: the traceback goes to the output pipe
        try:
            import traceback
            traceback.print_exc()
            sys.stderr.flush()
        finally:
            os._exit(70)
    os._exit(0)


def _become_spawned_worker(grader_root: str, argv: list, env: dict, cwd: str, output_fd: int,
                           keep: tuple) -> None:
    os.setsid()   # a group and session of its own, as processes.popen_options() gives
    _descriptors(output_fd, keep)
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    _dispositions_after_exec()
    from grader.sandbox import linux
    linux.prctl(linux.PR_SET_DUMPABLE, 1)   # as after an exec; the switch to nobody clears it
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    sys.argv[:] = ["-c", grader_root, *argv]
    sys.dont_write_bytecode = True
    _forget_modules()
    sys.path[:] = [grader_root, *_spawned_path]   # what the bootstrap makes of it (session.py)
    sys.path_importer_cache.clear()
    import importlib
    importlib.invalidate_caches()
    _new_streams()


def _dispositions_after_exec() -> None:
    """Signal dispositions as a new interpreter started from this process would have them.

    An exec keeps what is ignored and gives every handled signal its default; Popen's
    restore_signals gives SIGPIPE and SIGXFSZ their default back; Python's start-up then ignores
    those two, and installs its KeyboardInterrupt handler for SIGINT only where SIGINT was not
    ignored. The grader may run with signals ignored (nohup ignores SIGHUP; a shell's background
    job, SIGINT and SIGQUIT), and a spawned worker inherits that."""
    for number in signal.valid_signals():
        if number in (signal.SIGKILL, signal.SIGSTOP):
            continue
        try:
            if signal.getsignal(number) != signal.SIG_IGN:
                signal.signal(number, signal.SIG_DFL)
        except (OSError, ValueError):   # numbers the C library keeps for itself
            pass
    for number in (signal.SIGPIPE, signal.SIGXFSZ):
        signal.signal(number, signal.SIG_IGN)
    if signal.getsignal(signal.SIGINT) == signal.SIG_DFL:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _new_streams() -> None:
    """Standard streams as a new interpreter opens them on these descriptors: the check's were
    changed (never_fail) and may hold its buffered text."""
    for fd, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        encoding, errors = _stdio[name]
        stream = open(fd, mode, encoding=encoding, errors=errors, closefd=False)
        if name == "stderr":
            stream.reconfigure(line_buffering=True)
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


def _descriptors(output_fd: int, keep: tuple) -> None:
    from grader.sandbox import linux
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(output_fd, 1)
    os.dup2(output_fd, 2)
    kept = {fd for fd in keep if fd > 2}
    for fd in kept:
        os.set_inheritable(fd, True)   # as pass_fds leaves them
    linux.close_descriptors(kept)


def _forget_modules() -> None:
    for name in list(sys.modules):
        if name not in _worker_modules:
            del sys.modules[name]


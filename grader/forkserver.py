"""A process that has imported everything `grader check` uses and forks one check per submission:
where `grader grade` starts its checks on Linux.

Each check is still a process of its own, in a session of its own, run by the same code as
`python -m grader check ...`; it is spared the interpreter's start and the imports (0.3 s of CPU
per submission, measured over 8 checks: 0.67 s against 0.99 s) and reading the test set (32-46
ms), which with several jobs is CPU the other jobs' training needs.

Nothing of any submission runs here, and nothing of one is ever read here. This process imports
grader's own modules, then only reads request headers from its stdin, a pipe that `grader grade`
alone holds (there is no socket anybody else could connect to), and forks. A request's payload
(the check's arguments: a folder named for a student) is read by the forked check itself, while
the server waits, so the server's memory, which every check and every forked worker starts as a
copy of, never holds another submission's name. The children run the check, and its sandboxed
workers. The server ends when its stdin closes; checks still running then finish on their own.

  in:  HEADER (request id N, payload length), then the payload, JSON:
       {"argv": ["check", ...], "stderr": PATH}
  out: one JSON object per line:
       {"id": N, "pid": PID}        the check has started
       {"id": N, "status": CODE}    it has ended (a negative code: killed by that signal)
       {"id": N, "error": TEXT}     it could not be started
Children are watched through pidfds, so no signal handler is involved.
"""
from __future__ import annotations

import json
import os
import select
import signal
import struct
import sys

HEADER = struct.Struct(">QQ")   # request id, payload length
MAX_PAYLOAD = 1 << 20


def available() -> bool:
    """Whether checks can be forked here: Linux 5.3 or later, which has pidfds. (macOS system
    libraries are not safe to use in a forked child; Windows has no fork.)"""
    if sys.platform != "linux" or not hasattr(os, "pidfd_open"):
        return False
    try:
        os.close(os.pidfd_open(os.getpid()))
    except OSError:   # ENOSYS: an older kernel
        return False
    return True


# What a check imports, beyond the writers (report.preload): imported here once, so that a forked
# check of a correct submission imports no module of its own (measured with this list).
PRELOADED = ("numpy", "numpy.random",   # numpy imports numpy.random lazily; every check seeds one
             "concurrent.futures.thread", "traceback", "grader.config", "grader.plan", "grader.runner",
             "grader.stamp", "grader.stubs", "grader.verdicts", "grader.commands.check",
             "grader.report.console", "grader.report.github", "grader.sandbox.session")


def preload(lang: str) -> None:
    import importlib
    # One BLAS thread, as the grader and its workers have: fork_worker.record_worker_modules() set
    # it before it imported numpy, first thing in main().
    for name in PRELOADED:
        importlib.import_module(name)
    from grader.report import preload as preload_writers
    preload_writers("json", lang, plot=False, live=False)
    _load_test_set()


def _load_test_set() -> None:
    """The test set every check's accuracy measurements score, read (checksums verified) once
    here and shared read-only with the forked checks. Where it cannot be read, each check reads
    it itself and says why as before."""
    from grader.checks import training
    try:
        images, labels = training._test_set()
    except Exception:
        return
    images.flags.writeable = False
    labels.flags.writeable = False
    training.preloaded_test_set = (images, labels)


def serve(requests: int, replies: int) -> None:
    from grader import protocol
    running: dict[int, tuple[int, int]] = {}   # pidfd -> (request id, pid)
    while True:
        readable, _, _ = select.select([requests, *running], [], [])
        for fd in readable:
            if fd != requests:
                request_id, pid = running.pop(fd)
                os.close(fd)
                _, status = os.waitpid(pid, 0)
                _say(replies, id=request_id, status=os.waitstatus_to_exitcode(status))
        if requests not in readable:
            continue
        try:
            request_id, size = HEADER.unpack(protocol.read_exact(requests, HEADER.size))
        except EOFError:
            return   # grade has ended (or died): checks still running finish on their own
        if size > MAX_PAYLOAD:
            return   # not grade's: grade then spawns its checks
        started = _start(request_id, size, requests, replies, running)
        if started is None:
            return   # the payload is not read whole: the stream cannot be followed any more
        running[started[0]] = started[1:]


def _start(request_id: int, size: int, requests: int, replies: int, running: dict):
    """Fork one check and wait until it has read its payload; (pidfd, request id, pid), or None
    when it could not be started or did not read its payload whole."""
    handed_r, handed_w = os.pipe()
    try:
        pid = os.fork()
    except OSError as exc:
        os.close(handed_r)
        os.close(handed_w)
        _say(replies, id=request_id, error=str(exc))
        return None
    if pid == 0:
        os.close(handed_r)
        _run_check(requests, size, handed_w, [requests, replies, *running])
    os.close(handed_w)
    pidfd = os.pidfd_open(pid)
    handed = os.read(handed_r, 1) == b"+"   # b"" if it died before it said
    os.close(handed_r)
    if not handed:
        os.close(pidfd)
        _say(replies, id=request_id, error="the check did not read its request")
        return None
    _say(replies, id=request_id, pid=pid)
    return pidfd, request_id, pid


def _run_check(requests: int, size: int, handed: int, inherited: list) -> None:
    """In the child: read the request's payload, become what `python -m grader check ...` would
    be, run, and exit."""
    from grader import protocol
    from grader.cli import leave, main
    code = 70
    try:
        try:
            payload = protocol.read_exact(requests, size)
        except EOFError:
            os._exit(70)   # its word unsaid: the server takes that as "not read whole"
        os.write(handed, b"+")
        os.close(handed)
        request = json.loads(payload)
        argv, stderr_path = request["argv"], request["stderr"]
        os.setsid()   # a session of its own, as grade's processes.popen_options() gives
        for fd in inherited:
            os.close(fd)
        devnull = os.open(os.devnull, os.O_RDWR)
        error = os.open(stderr_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        for target, source in ((0, devnull), (1, devnull), (2, error)):
            os.dup2(source, target)
        os.close(devnull)
        os.close(error)
        # What a new interpreter would have: Python's handler, unless grade was started with
        # SIGINT ignored (a background job), which a new interpreter inherits.
        signal.signal(signal.SIGINT, signal.SIG_IGN if _sigint_at_start == signal.SIG_IGN
                      else signal.default_int_handler)
        from grader.sandbox import fork_worker
        fork_worker.enable()   # this check's workers are forked too (see there)
        code = main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        import traceback
        traceback.print_exc()
    finally:
        leave(code)


def _say(fd: int, **fields) -> None:
    data = (json.dumps(fields) + "\n").encode()
    while data:
        data = data[os.write(fd, data):]


# SIGINT's disposition when the server started, which a spawned check would inherit.
_sigint_at_start = signal.SIG_DFL


def main(argv: list[str]) -> None:
    global _sigint_at_start
    # Ctrl-C in the terminal is grade's to handle: it ends the checks itself.
    _sigint_at_start = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The requests and replies keep descriptors of their own, and stdin and stdout become
    # /dev/null: nothing imported may print into the reply stream.
    requests, replies = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.close(devnull)
    from grader.sandbox import fork_worker
    fork_worker.record_worker_modules()   # first: what a spawned worker has, and no more
    from grader.cli import _private_memory
    _private_memory()   # nobody of this uid reads or ptraces what every check is forked from
    preload(argv[0] if argv else "en")
    # What is loaded now is never collected: the checks' collections leave it alone, so its pages
    # stay shared with this process instead of being copied into each check (gc.freeze's purpose).
    import gc
    gc.freeze()
    sys.stdout.flush()
    serve(requests, replies)


if __name__ == "__main__":
    main(sys.argv[1:])

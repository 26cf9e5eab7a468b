"""A process that has imported everything `grader check` uses and forks one check per submission:
where `grader grade` starts its checks on Linux.

Each check is still a process of its own, in a session of its own, run by the same code as
`python -m grader check ...`; it is spared the interpreter's start and the imports (0.3 s of CPU
per submission, measured over 8 checks: 0.67 s against 0.99 s) and reading the test set (32-46
ms), which with several jobs is CPU the other jobs' training needs.

Nothing of any submission runs here. This process imports grader's own modules, then only reads
requests from its stdin, a pipe that `grader grade` alone holds (there is no socket anybody else
could connect to), and forks. The children run the check, and its sandboxed workers, as before.
It ends when its stdin closes; checks still running then finish on their own.

One JSON object per line each way:
  in:  {"id": N, "argv": ["check", ...], "stderr": PATH}
  out: {"id": N, "pid": PID}        the check has started
       {"id": N, "status": CODE}    it has ended (a negative code: killed by that signal)
       {"id": N, "error": TEXT}     it could not be started
Children are watched through pidfds, so no signal handler is involved.
"""
from __future__ import annotations

import json
import os
import select
import signal
import sys


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

    from grader import cli
    cli._quiet_blas_threads()   # before numpy is imported: no idle BLAS threads to fork, either
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
    running: dict[int, tuple[int, int]] = {}   # pidfd -> (request id, pid)
    buffered = b""
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
        chunk = os.read(requests, 1 << 16)
        if not chunk:
            return   # grade has ended (or died): checks still running finish on their own
        buffered += chunk
        *lines, buffered = buffered.split(b"\n")
        for line in lines:
            if line.strip():
                started = _start(json.loads(line), requests, replies, running)
                if started is not None:
                    running[started[0]] = started[1:]


def _start(request: dict, requests: int, replies: int, running: dict):
    """Fork one check; (pidfd, request id, pid), or None when it could not be started."""
    request_id = request.get("id")
    try:
        pid = os.fork()
    except OSError as exc:
        _say(replies, id=request_id, error=str(exc))
        return None
    if pid == 0:
        _run_check(request["argv"], request["stderr"], [requests, replies, *running])
    _say(replies, id=request_id, pid=pid)
    return os.pidfd_open(pid), request_id, pid


def _run_check(argv: list, stderr_path: str, inherited: list) -> None:
    """In the child: become what `python -m grader check ...` would be, run, and exit."""
    from grader.cli import leave, main
    code = 70
    try:
        os.setsid()   # a session of its own, as grade's processes.popen_options() gives
        for fd in inherited:
            os.close(fd)
        devnull = os.open(os.devnull, os.O_RDWR)
        error = os.open(stderr_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        for target, source in ((0, devnull), (1, devnull), (2, error)):
            os.dup2(source, target)
        os.close(devnull)
        os.close(error)
        signal.signal(signal.SIGINT, signal.default_int_handler)
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


def main(argv: list[str]) -> None:
    # Ctrl-C in the terminal is grade's to handle: it ends the checks itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The requests and replies keep descriptors of their own, and stdin and stdout become
    # /dev/null: nothing imported may print into the reply stream.
    requests, replies = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.close(devnull)
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

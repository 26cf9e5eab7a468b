import os
import signal
import stat
import sys
import threading


def _kind(fd):
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        return None
    for name in ("FIFO", "CHR", "REG", "DIR", "SOCK"):
        if getattr(stat, f"S_IS{name}")(mode):
            return name
    return oct(stat.S_IFMT(mode))


def facts():
    names = ("SIGINT", "SIGTERM", "SIGPIPE", "SIGXFSZ", "SIGHUP", "SIGCHLD", "SIGUSR1", "SIGALRM", "SIGQUIT")
    return {
        "argv": sys.argv[:2], "argc": len(sys.argv), "path": sys.path, "cwd": os.path.basename(os.getcwd()),
        "environ": {k: v for k, v in os.environ.items()},
        "signals": {n: str(signal.getsignal(getattr(signal, n))) for n in names},
        "mask": sorted(int(s) for s in signal.pthread_sigmask(signal.SIG_BLOCK, [])),
        "streams": [[s.encoding, s.errors, s.line_buffering, s.fileno()] for s in (sys.stdin, sys.stdout, sys.stderr)],
        "modules": sorted(sys.modules), "threads": threading.active_count(),
        "bytecode": sys.dont_write_bytecode, "fds": {str(fd): _kind(fd) for fd in range(1024) if _kind(fd)},
        "pid": os.getpid(), "sid": os.getsid(0), "pgid": os.getpgid(0), "uid": os.getuid(), "umask": os.umask(0o22),
    }

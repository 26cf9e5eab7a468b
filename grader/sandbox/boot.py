"""The worker's first steps: confine itself, say what held, then serve requests.

Started by session.py as `python -E -s -B -c ... POLICY SNAPSHOT REQ REP SLOTS [IMPORT_DIR ...]`,
with REQ and REP descriptor numbers, or both `stdio` for the portable transport (channel.py).
The description of the sandbox is the first frame on the reply channel and is written before a
single student byte is imported, so the parent can believe it; everything after is data only.
"""
from __future__ import annotations

import os
import sys


def python_paths() -> list[str]:
    """Where this interpreter, its standard library and its installed packages live, and the
    system's shared libraries they load. A folder on sys.path that is neither (a checkout the
    grader runs from, with solutions/ in it) is not among them."""
    prefixes = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix,
                                               sys.base_exec_prefix)}
    paths = set(prefixes) | {os.path.dirname(os.path.realpath(sys.executable))}
    for entry in sys.path:
        if not entry or not os.path.isdir(entry):
            continue
        real = os.path.realpath(entry)
        inside = any(real == p or real.startswith(p + os.sep) for p in prefixes)
        if inside or os.path.basename(real) in ("site-packages", "dist-packages"):
            paths.add(real)
    for system in ("/usr/lib", "/usr/lib64", "/lib", "/lib64", "/usr/local/lib", "/etc/ld.so.cache"):
        if os.path.exists(system):
            paths.add(system)
    return sorted(paths)


def _channel_from_stdio() -> tuple[int, int]:
    """The portable transport: keep stdin and stdout for requests and replies, then give the
    student an empty stdin and a stdout that goes where stderr goes (the output pipe), so that
    nothing student code prints can enter the reply stream."""
    request_fd, reply_fd = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    os.close(devnull)
    if sys.platform == "win32":
        import msvcrt
        for fd in (request_fd, reply_fd):
            msvcrt.setmode(fd, os.O_BINARY)
    return request_fd, reply_fd


def main(argv: list[str]) -> None:
    from grader import protocol
    from grader.sandbox import confine
    from grader.sandbox.policy import Applied, Policy
    from grader.worker import main as serve

    policy = Policy.from_json(argv[0])
    submission = argv[1]
    if argv[2] == "stdio":
        request_fd, reply_fd = _channel_from_stdio()
    else:
        request_fd, reply_fd = int(argv[2]), int(argv[3])
    slots_fd = int(argv[4])
    import_dirs = tuple(argv[5:]) or (".",)
    policy.read = list(policy.read) + python_paths()
    try:
        applied = confine.apply(policy)
    except Exception as exc:  # a confinement step failed half-way: never run student code then
        protocol.write_frame(reply_fd, {"ok": False, "refused": f"{type(exc).__name__}: {exc}"})
        os._exit(3)
    description = Applied.from_wire(applied)
    if policy.mode == "require" and not description.complete:
        protocol.write_frame(reply_fd, {"ok": False, "refused": description.summary()})
        os._exit(3)
    protocol.write_frame(reply_fd, {"ok": True, "value": {"sandbox": applied}})
    serve(submission, request_fd, reply_fd, slots_fd, import_dirs=import_dirs)

"""How bytes travel between the grader and a worker: two transports, one interface.

- `PipeChannel` (Linux, macOS): requests, replies and the student's output on three pipes of
  their own, passed to the worker by descriptor number and read with select().
- `StdioChannel` (Windows, or anywhere with GRADER_TRANSPORT=portable): the worker's own stdin and
  stdout carry requests and replies, its stderr the student's output (the worker points its
  descriptor 1 at stderr before any student code runs, so a print cannot land in a reply).
  Windows can neither pass arbitrary descriptors to a child nor select() on pipes, so a thread
  per pipe reads into buffers, and sends go through a thread that can be abandoned.

Both give the session the same four calls: send, receive (reply bytes, b"" at the end, None when
nothing came in time), take_output, close.
"""
from __future__ import annotations

import os
import select
import subprocess
import sys
import threading
import time

OUTPUT_READ = 1 << 16
SEND_PATIENCE = 30.0   # seconds a worker may leave a request unread before it counts as stuck


class StuckWorker(OSError):
    """The worker stopped reading requests."""


def portable_forced() -> bool:
    return os.environ.get("GRADER_TRANSPORT", "").strip().lower() == "portable"


def use_pipes() -> bool:
    """Numbered pipes where the platform can pass them and nobody asked for the portable path."""
    return os.name == "posix" and not portable_forced()


class PipeChannel:
    def __init__(self, req_w: int, rep_r: int, out_r: int):
        self.req_w, self.rep_r, self.out_r = req_w, rep_r, out_r
        self._output = bytearray()
        os.set_blocking(out_r, False)
        os.set_blocking(rep_r, False)
        _widen_pipe(rep_r)

    def send(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            # A worker that stops reading must not block the parent forever.
            _, writable, _ = select.select([], [self.req_w], [], SEND_PATIENCE)
            if not writable:
                raise StuckWorker("the worker stopped reading requests")
            view = view[os.write(self.req_w, view[:1 << 16]):]

    def receive(self, wait: float | None) -> bytes | None:
        readable, _, _ = select.select([self.rep_r, self.out_r], [], [], wait)
        if self.out_r in readable:
            self._read_output()
        if self.rep_r in readable:
            try:
                return os.read(self.rep_r, 1 << 20)
            except BlockingIOError:
                return None
        return None

    def _read_output(self) -> None:
        while True:
            try:
                chunk = os.read(self.out_r, OUTPUT_READ)
            except (BlockingIOError, OSError):
                return
            if not chunk:
                return
            self._output += chunk

    def take_output(self) -> bytes:
        self._read_output()
        out, self._output = bytes(self._output), bytearray()
        return out

    def close(self) -> None:
        for fd in (self.req_w, self.rep_r, self.out_r):
            try:
                os.close(fd)
            except OSError:
                pass


class StdioChannel:
    def __init__(self, proc: subprocess.Popen):
        self.proc = proc
        self._lock = threading.Condition()
        self._replies: list[bytes] = []
        self._reply_ended = False
        self._output = bytearray()
        self._readers = [threading.Thread(target=self._pump, args=(proc.stdout, True), daemon=True),
                         threading.Thread(target=self._pump, args=(proc.stderr, False), daemon=True)]
        for reader in self._readers:
            reader.start()

    def _pump(self, stream, replies: bool) -> None:
        fd = stream.fileno()
        while True:
            try:
                chunk = os.read(fd, 1 << 20 if replies else OUTPUT_READ)
            except OSError:
                chunk = b""
            with self._lock:
                if replies:
                    if chunk:
                        self._replies.append(chunk)
                    else:
                        self._reply_ended = True
                else:
                    self._output += chunk
                self._lock.notify_all()
            if not chunk:
                return

    def send(self, data: bytes) -> None:
        failure: list[BaseException] = []

        def write() -> None:
            try:
                self.proc.stdin.write(data)
                self.proc.stdin.flush()
            except BaseException as exc:  # a closed pipe: reported to the caller below
                failure.append(exc)

        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        writer.join(SEND_PATIENCE)
        if writer.is_alive():
            raise StuckWorker("the worker stopped reading requests")
        if failure:
            raise OSError(str(failure[0]))

    def receive(self, wait: float | None) -> bytes | None:
        deadline = None if wait is None else time.monotonic() + wait
        with self._lock:
            while not self._replies and not self._reply_ended:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return None
                self._lock.wait(left)
            if self._replies:
                return self._replies.pop(0)
            return b""

    def take_output(self) -> bytes:
        with self._lock:
            out, self._output = bytes(self._output), bytearray()
        return out

    def close(self) -> None:
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                stream.close()
            except OSError:
                pass
        for reader in self._readers:
            reader.join(timeout=1)


def _widen_pipe(fd: int) -> None:
    """Large replies (a training step's gradients, ~320 kB, where there are no shared slots) fit
    in one pipe buffer: no ping-pong per 64 kB."""
    if sys.platform != "linux":
        return
    try:
        import fcntl
        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):
        pass  # capped by /proc/sys/fs/pipe-max-size: only slower

"""The parent's side of a worker: start it, talk to it under a deadline, kill it cleanly.

Everything that comes back is decoded as plain data (see protocol.py). The student's stdout and
stderr are read from their own pipe in the same loop that waits for replies, kept up to a cap,
and never parsed. MNIST training steps leave their updates in shared memory (see slots.py).
"""
from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from grader import BLAS_THREAD_VARIABLES
from grader.sandbox import channel, cpu_wait, processes, reaper, scratch_use
from grader.settings import Limits

if TYPE_CHECKING:
    from grader.protocol import Remote
    from grader.slots import GradientSlots

# protocol.py and slots.py need numpy, which takes a tenth of a second to import: they are
# imported when first used, so that `grader check` starts its worker before that, and the two
# imports of numpy (the parent's and the worker's) run side by side.

# The largest honest reply is a few MB (a training step's gradients, a batch); a worker that
# announces more is lying, and the parent must not grow to hold it.
MAX_REPLY_BYTES = 64 << 20
OUTPUT_HEAD = 6_000   # characters of student output kept from the start ...
OUTPUT_TAIL = 2_000   # ... and from the end, per exercise
# Deadlines move by the time the worker waited for a CPU (cpu_wait.py), by this much at most in a
# session's life: under any load a check still ends, a loop that never ends included.
MOST_CPU_WAIT_GRANTED = 600.0
SCRATCH_LOOK_EVERY = 0.25   # seconds between looks at a scratch folder on disk (_watch_scratch)
# glibc gives freed memory back to the system as soon as the top of the heap is free, so every
# training step's arrays (the batch, dx, ...) were fresh pages to fault in again: 0.1-0.25 s of
# system time per MNIST run, measured. Keeping a pad and trimming late removes it. Other C
# libraries ignore these variables.
_MALLOC_QUIET = {"MALLOC_TOP_PAD_": str(16 << 20), "MALLOC_TRIM_THRESHOLD_": str(128 << 20)}
# Only these variables reach student code: no CI tokens, no secrets.
_ENV_KEEP = ("PATH", "LANG", "LC_ALL", "LANGUAGE", "TZ", "SYSTEMROOT")


@dataclass
class StudentException(Exception):
    """Student code raised; `frames` are (file, line, function) inside the submission."""
    type_name: str
    message: str
    frames: tuple
    not_started: bool


class WorkerTimeout(Exception):
    """The deadline passed; the worker has been killed."""


@dataclass
class WorkerDied(Exception):
    """The worker process ended (or broke the protocol) while it was working."""
    reason: str
    returncode: int | None = None


@dataclass
class OutputBuffer:
    head: bytearray = field(default_factory=bytearray)
    tail: bytearray = field(default_factory=bytearray)
    total: int = 0

    def add(self, chunk: bytes) -> None:
        self.total += len(chunk)
        room = OUTPUT_HEAD - len(self.head)
        if room > 0:
            self.head += chunk[:room]
            chunk = chunk[room:]
        if chunk:
            self.tail = (self.tail + chunk)[-OUTPUT_TAIL:]

    def take(self) -> str:
        text = self.head.decode("utf-8", "replace")
        dropped = self.total - len(self.head) - len(self.tail)
        if dropped > 0:
            text += f"\n... [{dropped:,} bytes of output not shown] ...\n"
        text += self.tail.decode("utf-8", "replace")
        self.head, self.tail, self.total = bytearray(), bytearray(), 0
        return text


class WorkerSession:
    """One worker process bound to one submission folder."""

    def __init__(self, submission: Path, limits: Limits = Limits(), import_dirs: tuple = (".",),
                 sandbox: str | None = None):
        from grader.sandbox.policy import default_mode
        self.submission = Path(submission).resolve()
        self.limits = limits
        self.import_dirs = tuple(import_dirs)
        self.sandbox_mode = sandbox or limits.sandbox or default_mode()
        self._applied = None
        self.output = OutputBuffer()
        self.deadline: float | None = None
        self.proc: subprocess.Popen | None = None
        self.slots: GradientSlots | None = None
        self.channel = None
        self._loop_pid: int | None = None   # the request loop's host pid, once looked for (0: not found)
        self._granted = 0.0                 # seconds of its wait for a CPU added to deadlines so far
        self._next_scratch_look = 0.0
        self._start()

    # -- life cycle ----------------------------------------------------------------------------
    def _start(self) -> None:
        from grader.datasets import shared_cache_folder
        from grader.sandbox import snapshot
        from grader.sandbox.policy import Policy, left_out

        self.workdir = tempfile.mkdtemp(prefix="grader-worker-")
        os.chmod(self.workdir, 0o755)  # the worker may run as another uid: it must reach its folders
        scratch = self.scratch = os.path.join(self.workdir, "scratch")
        copy = os.path.join(self.workdir, "submission")
        os.mkdir(scratch, 0o700)
        os.mkdir(copy, 0o755)
        try:
            snapshot.take(self.submission, Path(copy))
        except snapshot.SnapshotError:
            shutil.rmtree(self.workdir, ignore_errors=True)
            raise
        cache = shared_cache_folder()
        policy = Policy(mode=self.sandbox_mode, read=[str(Path(__file__).resolve().parent.parent), copy, str(cache)],
                        write=[scratch], memory_mb=self.limits.memory_mb, without=left_out(),
                        parent=os.getpid())
        self.scratch_limit = policy.scratch_mb << 20
        grader_root = str(Path(__file__).resolve().parent.parent.parent)
        bootstrap = ("import sys; sys.path.insert(0, sys.argv[1]); from grader.sandbox.boot import main; "
                     "main(sys.argv[2:])")
        env = {k: os.environ[k] for k in _ENV_KEEP if k in os.environ}
        self.token = os.urandom(16).hex()   # as secrets.token_hex, without importing it before the worker starts
        env.update(_MALLOC_QUIET, GRADER_CACHE_DIR=str(cache),
                   **dict.fromkeys(BLAS_THREAD_VARIABLES, "1"),
                   PYTHONIOENCODING="utf-8", HOME=scratch, TMPDIR=scratch, MPLBACKEND="Agg",
                   **{reaper.TOKEN_VARIABLE: self.token})
        boot_args = [policy.to_json(), copy]   # boot.main's, before the transport's
        command = [sys.executable, "-E", "-s", "-B", "-c", bootstrap, grader_root, *boot_args]
        if channel.use_pipes():
            self._start_with_pipes(command, boot_args, env, scratch)
        else:
            self.proc = subprocess.Popen(
                command + ["stdio", "stdio", "-1", *self.import_dirs], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=scratch, env=env,
                **processes.popen_options())
            self.channel = channel.StdioChannel(self.proc)
        self._inbox = bytearray()

    def _start_with_pipes(self, command: list, boot_args: list, env: dict, scratch: str) -> None:
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        out_r, out_w = os.pipe()
        from grader.slots import GradientSlots
        self.slots = GradientSlots.create()
        slots = (self.slots.fd,) if self.slots else ()
        argv = [str(req_r), str(rep_w), str(self.slots.fd if self.slots else -1), *self.import_dirs]
        from grader.sandbox import fork_worker
        try:
            if fork_worker.usable():   # the same worker, without a new interpreter (fork_worker.py)
                self.proc = fork_worker.start(boot_args + argv, env, scratch, out_w, (req_r, rep_w) + slots)
            else:
                self.proc = subprocess.Popen(command + argv, stdin=subprocess.DEVNULL, stdout=out_w,
                                             stderr=out_w, cwd=scratch, env=env, pass_fds=(req_r, rep_w) + slots,
                                             **processes.popen_options())
        finally:
            for fd in (req_r, rep_w, out_w):
                os.close(fd)
        self.channel = channel.PipeChannel(req_w, rep_r, out_r)

    def sandbox(self, deadline: float | None = None):
        """What the worker applied (policy.Applied), read from its first frame, which it writes
        before any student code runs. Raises SandboxUnavailable where it refused to start."""
        if self._applied is None:
            from grader.sandbox.policy import Applied, SandboxUnavailable
            reply = self._receive(deadline if deadline is not None else time.monotonic() + 60)
            if "refused" in reply:
                self.close()
                raise SandboxUnavailable(str(reply["refused"])[:500])
            value = reply.get("value")
            self._applied = Applied.from_wire(value.get("sandbox") if isinstance(value, dict) else None)
        return self._applied

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """Kill the worker's process group without touching file descriptors: safe to call from
        another thread while this session's owner is waiting on a reply (it then sees the end)."""
        proc = self.proc
        if proc is not None:
            processes.kill_tree(proc, self.token)

    def close(self) -> None:
        """Kill the worker and everything it started; never leaves a process behind."""
        if self.proc is None:
            return
        processes.kill_tree(self.proc, self.token)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self._drain_output()
        if self.channel is not None:
            self.channel.close()
        if self.slots is not None:
            self.slots.close()
            self.slots = None
        shutil.rmtree(self.workdir, ignore_errors=True)
        self.proc = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- requests ------------------------------------------------------------------------------
    def request(self, op: str, timeout: float | None = None, **fields):
        """Send one operation and wait for its reply; returns the decoded value."""
        self.submit(op, **fields)
        return self.collect(timeout)

    def submit(self, op: str, **fields) -> None:
        """Send an operation without waiting, so the parent can work while the worker does.

        Replies come back in order; every submit must be matched by one collect.
        """
        if not self.alive:
            raise WorkerDied("the worker is not running", self._returncode())
        try:
            self._send({"op": op, **fields})
        except (BrokenPipeError, OSError):
            raise self._death("the worker closed its channel") from None

    def collect(self, timeout: float | None = None):
        """Wait for the next reply; returns its value or raises what the student's code raised."""
        if self._applied is None:
            self.sandbox(self._deadline_for(timeout))
        reply = self._receive(self._deadline_for(timeout))
        if reply.get("ok") is True:
            return reply.get("value")
        exc = reply.get("exc")
        if isinstance(exc, dict):
            frames = tuple((str(f.get("file", "?")), int(f.get("line", 0) or 0), str(f.get("func", "?")))
                           for f in exc.get("frames", []) if isinstance(f, dict))
            raise StudentException(str(exc.get("type", "Exception")), str(exc.get("message", "")),
                                   frames, bool(exc.get("not_started")))
        raise WorkerDied(f"the worker failed internally: {reply.get('internal', reply)!s:.300}")

    def _deadline_for(self, timeout: float | None) -> float | None:
        limits = [d for d in (self.deadline, None if timeout is None else time.monotonic() + timeout)
                  if d is not None]
        return min(limits) if limits else None

    def _send(self, message: dict) -> None:
        from grader import protocol
        data = protocol.encode(message)
        try:
            self.channel.send(struct.pack(">Q", len(data)) + data)
        except channel.StuckWorker:
            raise WorkerDied("the worker stopped reading requests") from None

    def _receive(self, deadline: float | None) -> dict:
        """Read one reply frame. Bytes beyond it (the next pipelined reply) stay in the inbox."""
        if self.proc is None:   # closed, its channel with it: asked again after it died
            raise WorkerDied("the worker is not running")
        while True:
            frame = self._next_frame()
            if frame is not None:
                from grader import protocol
                self._drain_output()
                try:
                    return protocol.decode(frame)
                except protocol.ProtocolError as exc:
                    raise self._death(f"the worker sent a malformed reply ({exc})", ended=False) from None
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:
                later = self._cpu_wait_not_yet_granted()   # see cpu_wait.py
                if later:
                    deadline += later
                    if self.deadline is not None:
                        self.deadline += later
                    continue
                self.close()
                raise WorkerTimeout()
            self._watch_scratch()
            chunk = self.channel.receive(SCRATCH_LOOK_EVERY if wait is None else min(wait, SCRATCH_LOOK_EVERY))
            self._drain_output()
            if chunk is None:
                continue
            if not chunk:
                raise self._death("the worker process ended")
            self._inbox += chunk

    def _watch_scratch(self) -> None:
        """Where no tmpfs of its own bounds the worker's scratch folder (no mount namespace: the
        worker confines itself with Landlock alone), what it writes there reaches the disk; the
        parent looks at it every SCRATCH_LOOK_EVERY seconds while it waits, and ends the worker
        that has written more than its limit. (With a tmpfs, the parent sees an empty folder.)"""
        now = time.monotonic()
        if now < self._next_scratch_look:
            return
        self._next_scratch_look = now + SCRATCH_LOOK_EVERY
        if scratch_use.used_beyond(self.scratch, self.scratch_limit):
            raise self._death(f"it wrote more than {self.scratch_limit >> 20} MB into its scratch folder",
                              ended=False)

    def _cpu_wait_not_yet_granted(self) -> float:
        """Seconds the worker's request loop waited for a CPU that no deadline has been moved by
        yet; 0 when that is too little to matter, unknown, or the session has had its fill."""
        if self._loop_pid is None:
            self._loop_pid = cpu_wait.request_loop(self.proc.pid) or 0
        waited = cpu_wait.waited(self._loop_pid) if self._loop_pid else None
        if waited is None:
            return 0.0
        more = min(waited - self._granted, MOST_CPU_WAIT_GRANTED - self._granted)
        if more < 0.1:
            return 0.0
        self._granted += more
        return more

    def _next_frame(self) -> bytes | None:
        if len(self._inbox) < 8:
            return None
        (length,) = struct.unpack(">Q", bytes(self._inbox[:8]))
        if length > MAX_REPLY_BYTES:
            raise self._death("the worker sent an oversized reply", ended=False)
        if len(self._inbox) < 8 + length:
            return None
        frame = bytes(self._inbox[8:8 + length])
        del self._inbox[:8 + length]
        return frame

    def _drain_output(self) -> None:
        if self.channel is not None:
            self.output.add(self.channel.take_output())

    def _returncode(self) -> int | None:
        return None if self.proc is None else self.proc.poll()

    def _death(self, reason: str, ended: bool = True) -> WorkerDied:
        """End the session after the worker broke the protocol. Where its channel `ended`, wait a
        moment for the exit code the report will show; a worker that is still talking nonsense
        is killed at once."""
        code = None
        if self.proc is not None and ended:
            try:
                code = self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                pass
        self.close()
        return WorkerDied(reason, code)

    def unpack_steps(self, value, slots: list, size: int) -> list:
        """A train_steps reply, ["steps", kinds, inline]: one letter per step of the request whose
        slots are `slots`, "s" where the worker wrote `lr * grad` into that step's slot and "i"
        where the gradients came in `inline` instead, in order. For each step, Scaled(view of the
        `size` numbers in its slot, valid until that slot is named in a request again), or the
        gradients as they came. The slots are the parent's own numbers, never the worker's."""
        from grader.slots import Scaled
        if not (isinstance(value, list) and len(value) == 3 and value[0] == "steps"
                and isinstance(value[1], str) and len(value[1]) == len(slots)
                and set(value[1]) <= {"s", "i"} and isinstance(value[2], list)
                and len(value[2]) == value[1].count("i") and (self.slots is not None or "s" not in value[1])):
            raise self._death("the worker sent a malformed reply (train_steps)", ended=False)
        inline = iter(value[2])
        return [Scaled(self.slots.take(slot, size)) if kind == "s" else next(inline)
                for kind, slot in zip(value[1], slots)]

    def take_output(self) -> str:
        self._drain_output()
        return self.output.take()

    # -- conveniences for checks --------------------------------------------------------------
    def new(self, module: str, name: str, *args, **kwargs) -> Remote:
        return self.request("new", module=module, name=name, args=list(args), kwargs=kwargs)

    def call(self, ref: Remote, name: str, *args, keep: bool = False, timeout: float | None = None,
             **kwargs):
        return self.request("call", timeout=timeout, ref=ref, name=name, args=list(args),
                            kwargs=kwargs, keep=keep)

    def function(self, module: str, name: str, *args, keep: bool = False, **kwargs):
        return self.request("function", module=module, name=name, args=list(args), kwargs=kwargs,
                            keep=keep)

    def getattr(self, ref: Remote, name: str, keep: bool = False):
        return self.request("getattr", ref=ref, name=name, keep=keep)

    def getitem(self, ref: Remote, key: str, keep: bool = False):
        return self.request("getitem", ref=ref, key=key, keep=keep)

    def put(self, value) -> Remote:
        return self.request("put", value=value)

    def fetch(self, ref: Remote):
        return self.request("fetch", ref=ref)

    def assign(self, ref: Remote, value) -> None:
        self.request("assign", ref=ref, value=value)

    def same(self, a: Remote, b: Remote) -> bool:
        return self.request("same", a=a, b=b) is True

"""The worker: the only place student code runs.

It is a dumb executor. The parent asks it to import a student module, build objects, call
methods and send back what came out; it never compares anything and decides nothing. Whatever
student code does to this process (patch numpy, print, exit, crash) cannot reach a verdict,
because verdicts are made in the parent from the arrays this process sends.

Started as `python -c ...` with the protocol's file descriptors in argv: requests arrive on one
pipe, replies leave on another, and stdout/stderr belong to the student.
"""
from __future__ import annotations

import importlib
import os
import sys
import traceback

import numpy as np

from grader import protocol
from grader.protocol import Remote
from grader.ran_lines import RanLines


_ONE_HOT = np.eye(10)


class Worker:
    def __init__(self, submission: str):
        self.submission = os.path.realpath(submission)
        self.objects: dict[int, object] = {}
        self.next_id = 1
        self.slots = None   # GradientSlots, when the parent shared some
        self.ran = RanLines(self.is_student_file, self.relative)

    # -- object table ------------------------------------------------------------------------
    def keep(self, obj) -> Remote:
        ref = Remote(self.next_id)
        self.next_id += 1
        self.objects[ref.id] = obj
        return ref

    def resolve(self, value):
        if isinstance(value, Remote):
            return self.objects[value.id]
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self.resolve(v) for v in value)
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        return value

    def result(self, value, keep: bool):
        return self.keep(value) if keep else value

    # -- operations ----------------------------------------------------------------------------
    def op_import(self, msg):
        importlib.import_module(msg["module"])
        return None

    def op_put(self, msg):
        return self.keep(self.resolve(msg["value"]))

    def op_new(self, msg):
        cls = getattr(importlib.import_module(msg["module"]), msg["name"])
        args, kwargs = self.resolve(msg.get("args") or []), self.resolve(msg.get("kwargs") or {})
        return self.keep(self.ran.run(lambda: cls(*args, **kwargs)))

    def op_function(self, msg):
        fn = getattr(importlib.import_module(msg["module"]), msg["name"])
        args, kwargs = self.resolve(msg.get("args") or []), self.resolve(msg.get("kwargs") or {})
        return self.result(self.ran.run(lambda: fn(*args, **kwargs)), msg.get("keep", False))

    def op_call(self, msg):
        method = getattr(self.objects[msg["ref"].id], msg["name"])
        args, kwargs = self.resolve(msg.get("args") or []), self.resolve(msg.get("kwargs") or {})
        return self.result(self.ran.run(lambda: method(*args, **kwargs)), msg.get("keep", False))

    def op_ran_lines(self, msg):
        """The lines that ran in the latest run of the student's function defined at file:line."""
        return self.ran.of(str(msg["file"]), int(msg["line"]))

    def op_getattr(self, msg):
        return self.result(getattr(self.objects[msg["ref"].id], msg["name"]), msg.get("keep", False))

    def op_getitem(self, msg):
        return self.result(self.objects[msg["ref"].id][msg["key"]], msg.get("keep", False))

    def op_fetch(self, msg):
        return self.objects[msg["ref"].id]

    def op_assign(self, msg):
        """Overwrite an array's contents in place (`a[...] = value`)."""
        self.objects[msg["ref"].id][...] = self.resolve(msg["value"])
        return None

    def op_same(self, msg):
        return self.objects[msg["a"].id] is self.objects[msg["b"].id]

    def op_drop(self, msg):
        for ref in msg["refs"]:
            self.objects.pop(ref.id, None)
        return None

    def op_mnist(self, msg):
        """The training images as uint8 and labels as indices: normalised per batch, which is
        cheaper than converting all 60,000 images up front."""
        from grader.datasets import training_set_mapped
        images, labels = training_set_mapped()
        return [self.keep(images), self.keep(labels)]

    def op_train_steps(self, msg):
        """SGD steps as the book writes them: the student's gradient, then in-place updates
        `params[key] -= lr * grad[key]`; one step per row of `idx`, each at the parameters the
        step before left.

        The batch is what load_mnist(normalize=True, one_hot_label=True) gives, in float64 (the
        book's float32 makes numpy's matrix products take a slow mixed-precision path). Where the
        gradients have the layout the parent expects, `lr * grad` is computed into the shared slot
        of the step (the request's `first_slot` and those after it, in turn) and subtracted from
        there; otherwise the gradients go back in the reply.
        """
        from grader.slots import SLOTS
        net = self.objects[msg["net"].id]
        images, labels = self.objects[msg["x"].id], self.objects[msg["t"].id]
        lr, layout, first = msg["lr"], msg.get("layout"), msg.get("first_slot")
        kinds, inline = [], []   # "s" for a step whose update went to its slot, "i" for one in the reply
        for j, idx in enumerate(msg["idx"]):
            if self.slots is not None and self.slots.stopping():
                break   # the run has ended: the parent reads no more of these steps
            x = images[idx] / 255.0   # uint8 -> float64 in one pass
            t = _ONE_HOT[labels[idx]]
            grads = net.gradient(x, t)
            sent = {key: grads[key] for key in ("W1", "b1", "W2", "b2")}
            updates = None
            if self.slots is not None and isinstance(first, int):
                updates = self.slots.put_scaled((first + j) % SLOTS, sent, lr, layout)
            if updates is not None:
                for key, update in updates.items():
                    net.params[key] -= update
                kinds.append("s")
            else:
                for key, g in sent.items():
                    net.params[key] -= lr * g
                kinds.append("i")
                inline.append(sent)
        return ["steps", "".join(kinds), inline]

    def op_seed(self, msg):
        """Seed the global generators student code uses (np.random.randn in TwoLayerNet.__init__),
        so that one seed always gives one verdict."""
        import random
        np.random.seed(msg["seed"])
        random.seed(msg["seed"])
        return None

    def op_ping(self, msg):
        return os.getpid()

    # -- the loop ----------------------------------------------------------------------------
    def handle(self, msg: dict) -> dict:
        op = getattr(self, "op_" + str(msg.get("op")), None)
        if op is None:
            return {"ok": False, "internal": f"unknown op {msg.get('op')!r}"}
        try:
            value = op(msg)
        except BaseException as exc:  # student code may raise SystemExit or KeyboardInterrupt
            return {"ok": False, "exc": self.describe(exc)}
        return {"ok": True, "value": value}

    def describe(self, exc: BaseException) -> dict:
        frames = []
        for fs in traceback.extract_tb(exc.__traceback__):
            if self.is_student_file(fs.filename):
                frames.append({"file": self.relative(fs.filename), "line": fs.lineno or 0,
                               "func": fs.name})
        if isinstance(exc, SyntaxError) and exc.filename and self.is_student_file(exc.filename):
            frames.append({"file": self.relative(exc.filename), "line": exc.lineno or 0,
                           "func": "<module>"})
        try:
            text = str(exc)
        except BaseException:
            text = "<unprintable>"
        return {"type": type(exc).__name__, "message": text[:1000], "frames": frames[-12:],
                "not_started": isinstance(exc, NotImplementedError)}

    def is_student_file(self, filename: str) -> bool:
        """Anywhere under the submission's root (the book's layout keeps files in ch05/ and common/)."""
        try:
            return os.path.realpath(filename).startswith(self.submission + os.sep)
        except (TypeError, ValueError):
            return False

    def relative(self, filename: str) -> str:
        """The file's path under the root, with '/' on every platform: `layers.py`, `common/layers.py`."""
        return os.path.relpath(os.path.realpath(filename), self.submission).replace(os.sep, "/")


def _flush_student_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass


def main(submission: str, request_fd: int, reply_fd: int, slots_fd: int = -1,
         import_dirs: tuple = (".",)) -> None:
    """`import_dirs`: folders under `submission` that go first on sys.path, in order (the book's
    layout: `ch05` for `layer_naive`, then `.` for `common.layers`)."""
    sys.dont_write_bytecode = True  # the grader never writes into the submission (no __pycache__)
    for folder in reversed(import_dirs):
        sys.path.insert(0, os.path.normpath(os.path.join(submission, folder)))
    worker = Worker(submission)
    if slots_fd >= 0:
        from grader.slots import GradientSlots
        worker.slots = GradientSlots(slots_fd)
    while True:
        try:
            msg = protocol.read_frame(request_fd)
        except EOFError:
            return
        reply = worker.handle(msg)
        _flush_student_streams()
        try:
            protocol.write_frame(reply_fd, reply)
        except Exception as exc:  # an unencodable value, a protocol limit
            protocol.write_frame(reply_fd, {"ok": False, "internal": f"cannot send reply: {exc}"})


if __name__ == "__main__":
    main(sys.argv[1], *map(int, sys.argv[2:5]), import_dirs=tuple(sys.argv[5:]) or (".",))

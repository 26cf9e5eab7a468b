"""Shared-memory slots for the MNIST run: each training step's update goes through memory, not
through the reply pipe.

A step's gradients are 318 kB of float64. Through the pipe they cost the worker a header, a
writev into pipe pages and the parent a read (measured: 0.27 ms of the worker's 1.1 ms per step).
Instead the worker writes `lr * grad` (the very numbers the book subtracts from the parameters)
straight into a slot and subtracts them from there, and the parent subtracts the same numbers
from its own copy: one pass over the memory on each side, and the two copies stay bit for bit the
same. The parent names the slot and the layout it expects with each request; gradients of any
other layout or type go back in the reply as before. There are more slots than steps in flight
plus steps read but not yet used, so the worker is never asked to write a slot the parent has
not finished with.

Trust does not change: the worker could scribble on the slots at any time, but whatever the parent
reads is simply the update the student's code produced, judged like any other (spot checks, and
accuracy measured on the parent's own copy of the parameters). Where a step is spot-checked, the
parent copies the slot first, so the gradient it checks is the one it applies. The parent never
reads a size or an offset from the worker: it knows the layout it asked for. Where there is no
memfd_create (not Linux), there are no slots.
"""
from __future__ import annotations

import mmap
import os
from dataclasses import dataclass

# numpy is imported where it is used: the parent creates the slots while starting a worker, before
# it has imported numpy itself (see sandbox/session.py).

SLOT_BYTES = 5 << 16     # 328 kB: the 784-50-10 network's 318 kB of gradients
SLOTS = 96               # the steps in flight, and those read but not yet used
# After the slots, one page the parent writes and the worker only reads: a nonzero first byte
# asks the worker to stop taking the steps already queued (the run has ended; see stop()).
STOP_AT = SLOT_BYTES * SLOTS
MEMORY_BYTES = STOP_AT + mmap.PAGESIZE


def layout_of(arrays: dict) -> str:
    """"W1=784,50;b1=50;...": names and shapes in order, as both sides spell them."""
    import numpy as np
    return ";".join(f"{key}={','.join(map(str, np.shape(a)))}" for key, a in arrays.items())


@dataclass(frozen=True)
class Scaled:
    """`lr * grad` for a whole step, read from a slot (no decoded reply can be one of these)."""
    values: np.ndarray


class GradientSlots:
    def __init__(self, fd: int):
        self.fd = fd
        self.memory = mmap.mmap(fd, MEMORY_BYTES)

    @classmethod
    def create(cls) -> "GradientSlots | None":
        """The parent's side, or None where shared memory files do not exist."""
        if not hasattr(os, "memfd_create"):
            return None
        try:
            fd = os.memfd_create("grader-gradients", os.MFD_CLOEXEC)
            os.ftruncate(fd, MEMORY_BYTES)
            return cls(fd)
        except OSError:
            return None

    def close(self) -> None:
        try:
            self.memory.close()
        except BufferError:
            pass  # an array still views it; the mapping goes with the process
        try:
            os.close(self.fd)
        except OSError:
            pass

    # -- the worker -------------------------------------------------------------------------
    def put_scaled(self, slot, arrays: dict, scale: float, layout) -> dict | None:
        """Write `scale * array` for each array into `slot`, one after the other; {key: view} of
        what was written, or None (nothing written) unless the arrays are float64 in exactly
        the expected `layout`."""
        import numpy as np
        if not (isinstance(slot, int) and 0 <= slot < SLOTS and isinstance(scale, float)):
            return None
        if not all(isinstance(a, np.ndarray) and a.dtype == np.float64 for a in arrays.values()):
            return None
        if layout_of(arrays) != layout or sum(a.nbytes for a in arrays.values()) > SLOT_BYTES:
            return None
        views, offset = {}, slot * SLOT_BYTES
        for key, arr in arrays.items():
            view = np.ndarray(arr.shape, np.float64, buffer=self.memory, offset=offset)
            views[key] = np.multiply(arr, scale, out=view)
            offset += arr.nbytes
        return views

    def stopping(self) -> bool:
        """Whether the parent has asked that the queued steps be left untaken."""
        return self.memory[STOP_AT] != 0

    # -- the parent -------------------------------------------------------------------------
    def stop(self, on: bool) -> None:
        """Ask the worker to skip the steps of the requests it has queued (on), or to take them
        again (off, once no request is in flight). A worker that ignores this only makes the
        parent wait for its replies, as before."""
        self.memory[STOP_AT] = 1 if on else 0

    def take(self, slot, count: int) -> np.ndarray:
        """The first `count` float64 of `slot` as one view, valid until the worker is asked to
        write that slot again."""
        import numpy as np
        if not isinstance(slot, int) or not 0 <= slot < SLOTS or not 0 <= 8 * count <= SLOT_BYTES:
            raise ValueError("no such slot")
        return np.frombuffer(self.memory, np.float64, count, slot * SLOT_BYTES)

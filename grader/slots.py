"""Shared-memory slots for the MNIST run's gradients: the worker copies them in, the parent out.

A training step's gradients are 318 kB of float64. Through the reply pipe they cost the worker a
header, a writev into pipe pages and the parent a read (measured: 0.27 ms of the worker's 1.1 ms
per step). A slot costs the worker one memcpy and the parent none: it reads the slot in place for
its own copy of the update. The parent names the slot with each request; there are more slots
than steps in flight plus steps read but not yet used, so the worker is never asked to write a
slot the parent has not finished with.

Trust does not change: the worker could scribble on the slots at any time, but whatever the parent
reads is simply the gradient the student's code returned, judged like any other (spot checks,
and accuracy measured on the parent's own copy of the parameters). Where a step is spot-checked,
the parent copies the slot first, so the gradient it checks is the gradient it applies. It
validates every layout the worker announces against the slot's bounds. Where there is no memfd_create (not
Linux), there are no slots and gradients travel in the reply as before.
"""
from __future__ import annotations

import math
import mmap
import os

import numpy as np

SLOT_BYTES = 5 << 16     # 328 kB: the 784-50-10 network's 318 kB of gradients
SLOTS = 12               # the steps in flight, and those read but not yet used


class GradientSlots:
    def __init__(self, fd: int):
        self.fd = fd
        self.memory = mmap.mmap(fd, SLOT_BYTES * SLOTS)

    @classmethod
    def create(cls) -> "GradientSlots | None":
        """The parent's side, or None where shared memory files do not exist."""
        if not hasattr(os, "memfd_create"):
            return None
        try:
            fd = os.memfd_create("grader-gradients", os.MFD_CLOEXEC)
            os.ftruncate(fd, SLOT_BYTES * SLOTS)
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
    def put(self, slot: int, arrays: dict) -> str | None:
        """Copy float64 arrays into `slot`; their layout ("W1=784,50;b1=50;..."), or None when
        they do not fit (other dtypes, odd shapes): the caller then sends them in the reply.
        A string because the parent decodes one per step: a nested list costs it 23 nodes."""
        if not 0 <= slot < SLOTS:
            return None
        if not all(isinstance(a, np.ndarray) and a.dtype == np.float64 for a in arrays.values()):
            return None
        if sum(a.nbytes for a in arrays.values()) > SLOT_BYTES:
            return None
        if not all(isinstance(k, str) and k.isidentifier() for k in arrays):
            return None
        layout, offset = [], slot * SLOT_BYTES
        for key, arr in arrays.items():
            view = np.ndarray(arr.shape, np.float64, buffer=self.memory, offset=offset)
            np.copyto(view, arr)
            layout.append(f"{key}={','.join(map(str, arr.shape))}")
            offset += arr.nbytes
        return ";".join(layout)

    # -- the parent -------------------------------------------------------------------------
    def take_flat(self, slot, count: int) -> np.ndarray:
        """The first `count` float64 of `slot`, as one view (valid as take's views are): for a
        layout the parent already knows, the arrays one after the other."""
        if not isinstance(slot, int) or not 0 <= slot < SLOTS or not 0 <= 8 * count <= SLOT_BYTES:
            raise ValueError("no such slot")
        return np.frombuffer(self.memory, np.float64, count, slot * SLOT_BYTES)

    def take(self, slot, layout, copy: bool = True) -> dict:
        """The arrays the worker says are in `slot`: fresh copies, or (copy=False) views that
        stay valid until the worker is asked to reuse the slot. ValueError if the layout does not
        describe memory inside that slot."""
        if not isinstance(slot, int) or not 0 <= slot < SLOTS or not isinstance(layout, str):
            raise ValueError("no such slot")
        out, offset, end = {}, slot * SLOT_BYTES, (slot + 1) * SLOT_BYTES
        for entry in layout.split(";") if layout else ():
            key, _, dims = entry.partition("=")
            try:
                shape = tuple(int(n) for n in dims.split(",")) if dims else ()
            except ValueError:
                raise ValueError("malformed slot layout") from None
            if not key.isidentifier() or len(shape) > 8 or any(n < 0 for n in shape):
                raise ValueError("malformed slot layout")
            nbytes = 8 * math.prod(shape)
            if offset + nbytes > end:
                raise ValueError("slot layout overruns its slot")
            view = np.frombuffer(self.memory, np.float64, nbytes // 8, offset).reshape(shape)
            out[key] = view.copy() if copy else view
            offset += nbytes
        return out

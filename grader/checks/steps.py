"""SGD steps taken by the student's network in the worker, as the parent sees them.

The parent names every batch, the worker runs the student's `gradient` and applies the update in
place, and the parent reads back `lr * grad` (from a shared slot, or the gradients themselves in
the reply) to apply the very same numbers to its own copy of the parameters. The MNIST run and the
pre-flight before it both walk their steps through here.
"""
from __future__ import annotations

from collections import deque
from typing import Callable

import numpy as np

from grader.checks.context import CheckContext
from grader.checks.network import KEYS, directional_checks, flatten, gradient_dict, unflatten
from grader.slots import SLOTS, Scaled

# The worker takes several steps per request, so that a request's fixed costs (framing, JSON, a
# wake-up on each side, the parent's bookkeeping: about 1 ms of the parent's CPU, measured) are
# paid once per STEPS_PER_REQUEST steps. The parent's CPU over an MNIST run, 6 runs each: 0.40-0.54 s
# with 8 per request, 0.34-0.43 s with 16, 0.28-0.35 s with 32. With several jobs that CPU is the
# other jobs' training time. The price: the parent learns of a step up to 31 steps (about 30 ms)
# after the worker took it, so the run ends that much later at most.
STEPS_PER_REQUEST = 32
# Queued requests are the worker's reserve while the parent is busy elsewhere: a spot check takes
# 3 ms alone but up to 50 ms while the parent's other threads (the layer checks, the accuracy
# measurements) hold the interpreter, measured. Two requests keep 32 steps (about 30 ms) queued
# beyond the one the worker is taking: it waited about 0.02 s per MNIST run for its next request
# (5 runs; 0.09-0.14 s with four requests of 8). The steps queued when the run ends cost nothing:
# the worker is asked to skip them (close()).
REQUESTS_IN_FLIGHT = 2
# The slots of the requests in flight and of the steps read but not yet used are all different:
# the parent is done with a slot before the worker is asked to reuse it.
assert STEPS_PER_REQUEST * (REQUESTS_IN_FLIGHT + 1) <= SLOTS


class Steps:
    """The worker's SGD steps, requested a few at a time and handed out one at a time.

    `choose(count)` gives the batches of the next `count` steps, one row of training-set indices
    per step. The worker updates its parameters in order, so every step is taken at the
    parameters the step before produced, however many are queued.
    """

    def __init__(self, ctx: CheckContext, net, x_ref, t_ref, budget: int, layout: str, size: int,
                 lr: float, choose: Callable[[int], np.ndarray], per_request: int = STEPS_PER_REQUEST):
        self.ctx, self.net, self.x_ref, self.t_ref, self.budget = ctx, net, x_ref, t_ref, budget
        self.layout, self.size = layout, size   # of the gradients, as the parameters are laid out
        self.lr, self.choose = lr, choose
        # Fewer per request where the steps may stop any time: those in flight then are wasted.
        self.per_request = min(per_request, STEPS_PER_REQUEST)
        self.requested = 0
        self.in_flight: deque = deque()   # per request, its batches (k, batch size) and slots
        self.ready: deque = deque()       # (batch, gradients) read but not yet handed out

    def start(self) -> None:
        for _ in range(REQUESTS_IN_FLIGHT):
            self._request()

    def _request(self) -> None:
        count = min(self.per_request, self.budget - self.requested)
        if count <= 0:
            return
        batches = self.choose(count)
        first = self.requested % SLOTS   # step j of the request goes to slot (first + j) % SLOTS
        self.ctx.session.submit("train_steps", net=self.net, x=self.x_ref, t=self.t_ref, idx=batches,
                                lr=self.lr, first_slot=first, layout=self.layout)
        self.in_flight.append((batches, [(first + j) % SLOTS for j in range(count)]))
        self.requested += count

    def next(self):
        """(batch, gradients) of the next step; the gradients may be views of a shared slot,
        valid until the next call."""
        if not self.ready:
            reply = self.ctx.session.collect()
            batches, slots = self.in_flight.popleft()
            self.ready.extend(zip(batches, self.ctx.session.unpack_steps(reply, slots, self.size)))
            self._request()
        return self.ready.popleft()

    def close(self) -> None:
        """Keep the channel in step when the steps end with requests still in flight: their
        replies are read and thrown away. The worker is asked to skip the steps it has not begun,
        so the run ends after one step at most, not after every step queued."""
        slots = getattr(self.ctx.session, "slots", None)
        if slots is not None and self.in_flight:
            slots.stop(True)
        try:
            while self.in_flight and self.ctx.session.alive:
                self.in_flight.popleft()
                try:
                    self.ctx.session.collect()
                except Exception:
                    pass
        finally:
            if slots is not None:
                slots.stop(False)   # nothing is in flight: the next steps are taken again


def update_of(raw, shapes: dict, lr: float, keep: bool) -> tuple[np.ndarray, dict | None]:
    """(the flat update `lr * grad` the worker subtracted, the gradients as {key: array} when
    `keep`, else None). With `keep` the update is the parent's own copy, so what is checked is
    what is applied; without it, it may be a view of a slot, valid until the next step is read."""
    if isinstance(raw, Scaled):
        # lr * grad for W1, b1, W2, b2 one after the other, as the parameters are laid out.
        update = raw.values.copy() if keep else raw.values
        return update, (unflatten(update / lr, shapes) if keep else None)
    grads = gradient_dict(raw, shapes)
    # lr * grad in the gradient's own dtype (float32 stays float32), as the worker computes it
    # before subtracting: the two copies stay the same to the bit.
    return flatten({k: lr * np.asarray(raw[k]) for k in KEYS}), grads


def gradient_agrees(ctx: CheckContext, params: dict, grads: dict, images: np.ndarray, labels: np.ndarray,
                    rng: np.random.Generator) -> bool:
    """The student's gradient of one step against our loss at our parameters (CheckFailed from
    directional_checks when it disagrees); False when the step cannot be judged (on ReLU's kink,
    e.g. W1 all zero, differences mean nothing)."""
    x = images.astype(np.float64) / 255.0
    hidden = x @ params["W1"] + params["b1"]
    if np.min(np.abs(hidden)) < 1e-6:
        return False
    directional_checks(ctx, params, grads, x, labels, count=1, rng=rng, hidden=hidden)
    return True

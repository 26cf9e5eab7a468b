"""What a check function gets: a worker to call into, a seeded random source, the settings.

`call` and `new` record which student method is running, so that an exception, a crash or a
timeout can be blamed on `Affine.backward` rather than on "the check".
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from grader.layout import Layout, flat_file
from grader.protocol import Remote
from grader.settings import Settings  # noqa: F401  (checks and callers import it from here)
from grader.session import WorkerSession


@dataclass
class CheckContext:
    session: WorkerSession
    rng: np.random.Generator
    settings: Settings = field(default_factory=Settings)
    current: str = ""          # the student method being called right now
    notes: dict = field(default_factory=dict)   # facts a check wants to put in the report

    exercise: str = ""
    layout: Layout | None = None   # where each class lives; the flat folder when None
    unavailable: frozenset = frozenset()   # dependency checks that failed ("SoftmaxWithLoss.class_labels")

    def module_of(self, name: str) -> str:
        """The module that holds class (or function) `name`: "layers", "common.layers", ..."""
        if self.layout is not None:
            return self.layout.module_of(name)
        return flat_file(name).removesuffix(".py")

    def report_progress(self, done: int, total: int, **info) -> None:
        if self.settings.progress is not None:
            self.settings.progress(self.exercise, done, total, info)

    def new(self, module: str, cls: str, *args, **kwargs) -> Remote:
        self.current = f"{cls}.__init__"
        return self.session.new(module, cls, *args, **kwargs)

    def call(self, ref: Remote, label: str, *args, keep: bool = False,
             timeout: float | None = None, **kwargs):
        """Call `label` ("Relu.forward") on the remote object; returns plain data."""
        self.current = label
        method = label.rsplit(".", 1)[-1]
        return self.session.call(ref, method, *args, keep=keep, timeout=timeout, **kwargs)

    def function(self, module: str, name: str, *args, **kwargs):
        self.current = name
        return self.session.function(module, name, *args, **kwargs)

    def attribute(self, ref: Remote, label: str, keep: bool = False):
        """Read an attribute such as `Affine.dW`; a missing one is the student's AttributeError."""
        self.current = label
        return self.session.getattr(ref, label.rsplit(".", 1)[-1], keep=keep)

    def put(self, value) -> Remote:
        return self.session.put(value)

    def fetch(self, ref: Remote):
        return self.session.fetch(ref)


def away_from_zero(rng: np.random.Generator, shape, low: float = 0.1, high: float = 2.0) -> np.ndarray:
    """Random values with |x| in [low, high): ReLU's kink at 0 stays out of the finite differences."""
    magnitude = rng.uniform(low, high, size=shape)
    sign = rng.choice([-1.0, 1.0], size=shape)
    return magnitude * sign

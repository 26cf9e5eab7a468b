"""What a run is asked to do, as plain values: the settings checks read, the time budgets and the
worker's limits. Kept free of numpy and of the worker, so that a re-check whose verdicts are all
unchanged (verdicts.py) can answer without loading either."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


@dataclass
class Settings:
    seed: int = 0
    mnist_target: float = 0.94
    mnist_max_iterations: int = 10_000
    slow_gradient_seconds: float = 10.0
    # Called as progress(exercise_id, done, total, info) while long checks run (MNIST training);
    # the rich report uses it for a live bar. Never affects a verdict.
    progress: Callable[[str, int, int, dict], None] | None = None


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 2048
    sandbox: str | None = None    # auto | require | off; None: GRADER_SANDBOX, else auto


@dataclass
class Budgets:
    """Seconds of wall time: per exercise (generous; a correct answer needs a fraction) and per run."""
    exercise: float = 60.0
    training: float = 300.0
    run: float = 900.0
    limits: Limits = field(default_factory=Limits)

    def for_exercise(self, exercise_id: str) -> float:
        return self.training if exercise_id == "train_neuralnet" else self.exercise

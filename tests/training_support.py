"""Running the train_neuralnet exercise on its own, past the gate of its TwoLayerNet dependency.

`grader check` never trains a network whose gradient failed its own checks; the tests here do,
to prove that the pre-flight also stands on its own (the MNIST run may start ahead, before that
verdict is known) and charges each failure to the right cause.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path

from grader import catalog, runner
from grader.checks.context import Settings
from grader.layout import detect
from grader.results import CheckResult
from grader.session import WorkerSession
from grader.settings import Budgets


@contextmanager
def training_worker(folder: Path):
    """A worker for `folder`, and a function running the exercise in it at a seed."""
    layout = detect(Path(folder))
    session = WorkerSession(layout.root, Budgets().limits, import_dirs=layout.import_dirs)

    def train(seed: int = 0, settings: Settings | None = None) -> CheckResult:
        settings = settings or Settings(seed=seed)
        result = runner._run_exercise(catalog.BY_ID["train_neuralnet"], session, settings,
                                      time.monotonic() + 120, layout)
        (check,) = result.checks
        return check

    try:
        yield train
    finally:
        session.close()

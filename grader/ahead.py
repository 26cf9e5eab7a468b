"""Starting the MNIST run early, on the second core, while the layer checks run on the first.

train_neuralnet depends on TwoLayerNet, but waiting for that verdict would leave a core idle for
the whole layer phase. So the training starts at once in its own worker process; if a
dependency then fails, its result is thrown away and the exercise is reported as skipped, exactly
as if it had never started. The verdict is the same either way; only the waiting differs.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable

from grader.results import ExerciseResult
from grader.session import Limits, WorkerSession


class Ahead:
    """One exercise run on a background thread with a worker of its own."""

    def __init__(self, submission: Path, limits: Limits,
                 run_exercise: Callable[[WorkerSession], ExerciseResult], import_dirs: tuple = (".",),
                 session: WorkerSession | None = None):
        """`session`: a worker already started for this exercise (grader.plan), else one is
        started here, on the background thread."""
        self._result: ExerciseResult | None = None
        self._error: BaseException | None = None
        self._session: WorkerSession | None = session
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(submission, limits, run_exercise, import_dirs),
                                        name="grader-ahead", daemon=True)
        self._thread.start()

    def _run(self, submission, limits, run_exercise, import_dirs) -> None:
        try:
            if self._session is None:
                self._session = WorkerSession(submission, limits, import_dirs=import_dirs)
            self._started.set()
            self._result = run_exercise(self._session)
        except BaseException as exc:  # surfaced by result(), never lost
            self._error = exc
        finally:
            self._started.set()
            if self._session is not None:
                self._session.close()

    def result(self) -> ExerciseResult:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result

    def cancel(self) -> None:
        """Stop the worker now (a signal only: the thread closes its own file descriptors)."""
        self._started.wait()
        if self._session is not None:
            self._session.kill()
        self._thread.join()

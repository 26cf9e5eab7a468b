"""What a run will do, decided before anything heavy is imported.

A check's wall time is mostly the student's MNIST training, which runs on a worker of its own.
That worker needs a fifth of a second to start (Python, numpy, its sandbox), and the parent needs
about as long to import the checks and the report writers. Deciding the run here, with light
modules only (no numpy, no rich, no checks), lets `grader check` start the training worker first
and import the rest while it boots; the parent is ready before the worker is asked to import any
student code (see `start_training_worker`).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from grader import catalog, selection, source, verdicts
from grader.layout import Layout, detect
from grader.results import ExerciseResult, Message

TRAINING = "train_neuralnet"
SUBMISSION_FILES = ("functions.py", "layers.py", "two_layer_net.py", "buy_apple_orange.py")


class SubmissionError(Exception):
    """The submission folder cannot be graded at all (exit code 2); `key` is a message key. Its
    text is the message in `lang` (else the reader's language): a notebook shows it as is."""

    def __init__(self, key: str, lang: str | None = None, **params):
        super().__init__(key)
        self.key = key
        self.params = params
        self.lang = lang

    def __str__(self) -> str:
        from grader.messages import choose_language, say
        return say(self.key, choose_language(self.lang), **self.params)


def validate_submission(path: Path, files: dict | None = None) -> Path:
    validated_layout(path, files)
    return path.resolve()


def validated_layout(path: Path, files: dict | None = None) -> Layout:
    """The submission's layout, or SubmissionError when there is nothing to grade there."""
    if not path.exists():
        raise SubmissionError("err.no_folder", path=str(path))
    if not path.is_dir():
        raise SubmissionError("err.not_folder", path=str(path))
    layout = detect(path, files)
    if not any(h.found or (layout.root / h.file).is_file() for h in layout.homes.values()):
        raise SubmissionError("err.no_files", path=str(path), files=", ".join(SUBMISSION_FILES))
    return layout


@dataclass
class Plan:
    """One run, decided: where the classes are, what is graded, what stored verdicts it reuses,
    which files cannot even be read."""
    layout: Layout
    selected: list[str]
    keys: dict[str, str]                  # exercise id -> verdict key (empty without the cache)
    reused: dict[str, ExerciseResult]     # stored verdicts still valid
    problems: dict[str, Message]          # file -> why the parent cannot read it

    @property
    def root(self) -> Path:
        return self.layout.root


def make(submission: Path, exercise_ids, settings, budgets, points=None, files=None,
         cache: bool = False) -> Plan:
    layout = validated_layout(Path(submission), files)
    selected = selection.selected(layout, exercise_ids)
    keys = verdicts.keys_for(layout, selected, settings, budgets, points) if cache else {}
    reused = {e: r for e, r in ((e, verdicts.load(k)) for e, k in keys.items()) if r is not None}
    return Plan(layout, selected, keys, reused, source_problems(layout, selected))


def trains_ahead(plan: Plan) -> bool:
    """Whether train_neuralnet runs on a worker of its own, beside the other exercises: it is
    among several to run, not answered from the store, its files can be read, and there is a
    core to spare."""
    if TRAINING not in plan.selected or TRAINING in plan.reused or len(plan.selected) == 1:
        return False
    if cores_for_this_run() < 2 or not plan.layout.path_of("TwoLayerNet").is_file():
        return False
    exercise = catalog.BY_ID[TRAINING]
    return not plan.problems.keys() & verdicts.files_needed(exercise, plan.layout)


@dataclass
class Started:
    """Workers started before the parent's heavy imports (`start_workers`): `training` for
    train_neuralnet running ahead, `main` for the other exercises. The run uses each or closes it."""
    training: object = None   # grader.sandbox.session.WorkerSession
    main: object = None

    def close(self) -> None:
        for worker in (self.training, self.main):
            if worker is not None:
                worker.close()


def start_workers(plan: Plan, limits) -> Started:
    """Start now the workers the run will need first, so that they boot while the parent imports
    the checks and the writers.

    Started is all: a worker boots and confines itself, then waits. Nothing of the student's runs
    until the parent sends its first request, and the caller sends none before it has imported
    everything it will use (the report writers): code on disk that student code could have
    touched is never loaded after student code ran.

    The training's worker comes first: it is on the critical path. The other exercises' worker
    starts with it only where a third core lets both boot beside the parent's imports, or where
    workers are forked (grader/sandbox/fork_worker.py: next to nothing to boot, and only before
    the run's first thread); on two cores a spawned one would only slow the other two down, and
    it is started when first needed."""
    from grader.sandbox import fork_worker
    from grader.sandbox.session import WorkerSession
    from grader.sandbox.snapshot import SnapshotError

    def start():
        try:
            return WorkerSession(plan.root, limits, import_dirs=plan.layout.import_dirs)
        except SnapshotError as exc:   # the folder cannot be copied for a worker: as the run says it
            raise SubmissionError(exc.key, **exc.params) from None

    started = Started()
    try:
        if trains_ahead(plan):
            started.training = start()
            others = [e for e in plan.selected if e != TRAINING and e not in plan.reused]
            if others and (cores_for_this_run() >= 3 or fork_worker.usable()):
                started.main = start()
        elif any(e not in plan.reused for e in plan.selected):
            started.main = start()
    except BaseException:
        started.close()
        raise
    return started


def imported_first(exercise: catalog.Exercise) -> bool:
    """Whether the exercise's file is imported before its checks run, so that a file that cannot
    be imported is reported once as that. Files of classes only: buy_apple_orange.py may be the
    book's script, which its own check decides how to run."""
    return all("." in name for name in exercise.writes)


def source_problems(layout: Layout, selected: list[str]) -> dict[str, Message]:
    """{file: why} for the selected exercises' files that the parent cannot read or parse safely
    (not UTF-8, too large, too complex), or that define nothing at all."""
    problems: dict[str, Message] = {}
    for exercise_id in selected:
        exercise = catalog.BY_ID[exercise_id]
        file = layout.exercise_file(exercise_id)
        path = layout.root / file
        if file in problems or not path.is_file():
            continue
        problem = source.problem(path, file)
        if problem is None and imported_first(exercise) and source.defines_nothing(path, file):
            problem = Message("source_empty", {"file": file})
        if problem is not None:
            problems[file] = problem
    return problems


def machine_cores() -> int:
    """The cores this process is allowed to run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def cores_for_this_run() -> int:
    """The cores this run may use: those it is allowed to run on, or fewer when `grader grade`
    shares them among several runs (GRADER_CORES). Running ahead on a core another submission
    is using would only add a worker's start-up to the machine's work."""
    cores = machine_cores()
    try:
        return max(1, min(cores, int(os.environ.get("GRADER_CORES", cores))))
    except ValueError:
        return cores

"""Running the selected exercises against one submission and collecting their verdicts.

The runner walks the catalogue in order, skips exercises whose dependencies did not pass, gives
each exercise a time budget, and turns whatever happened (a failed comparison, the student's
exception, a timeout, a dead worker) into a CheckResult. It never prints.
"""
from __future__ import annotations

import signal
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from grader import catalog, plan as planning, source, verdicts
from grader.ahead import Ahead
from grader.checks import CHECKS
from grader.checks.context import CheckContext, Settings
from grader.checks.explain import explain_error
from grader.checks.lines import line_computing
from grader.compare import CheckFailed
from grader.datasets import MnistError
from grader.layout import Layout, name_of_exercise, summary
from grader.near_miss import near_miss
from grader.plan import TRAINING, Plan, Started, imported_first as _imported_first
from grader.plan import SubmissionError, validate_submission  # noqa: F401  (imported from here too)
from grader.results import CheckResult, ExerciseResult, Message, Report, SourceLine, State
from grader.sandbox.policy import SandboxUnavailable
from grader.sandbox.snapshot import SnapshotError
from grader.session import StudentException, WorkerDied, WorkerSession, WorkerTimeout
from grader.settings import Budgets

def run(submission: Path, exercise_ids=None, settings: Settings | None = None,
        budgets: Budgets | None = None, on_result=None,
        points: dict[str, dict[str, float]] | None = None, files: dict | None = None,
        cache: bool = False, plan: Plan | None = None, workers: Started | None = None) -> Report:
    """Grade `submission` on the chosen exercises (by default the core and the extras that are
    written: grader.selection), in catalogue order.

    `cache`: reuse an exercise's stored verdict when nothing it reads has changed (verdicts.py),
    and store new ones.
    `points` overrides the catalogue's weights: {exercise id: {check name: points}}.
    `files` is a course's own layout ({class: file under the folder}; see grader.layout).
    `on_result(ExerciseResult)` is called as each exercise finishes.
    `plan` is the run decided beforehand (grader.plan), and `workers` those already started
    for it (`grader check` starts them before its heavy imports); the run closes them.
    """
    started = time.monotonic()
    settings = settings or Settings()
    budgets = budgets or Budgets()
    workers = workers or Started()
    try:
        return _run(plan or planning.make(submission, exercise_ids, settings, budgets, points, files, cache),
                    exercise_ids, settings, budgets, on_result, points, started, workers)
    finally:
        workers.close()   # already closed when they ran; never left behind when they did not


def _run(plan: Plan, exercise_ids, settings: Settings, budgets: Budgets, on_result, points,
         started: float, workers: Started) -> Report:
    layout = plan.layout
    submission = layout.root   # the book's layout: the repository holding ch05/ and common/
    selected = plan.selected
    run_deadline = started + budgets.run
    results: dict[str, ExerciseResult] = {}
    session: WorkerSession | None = workers.main
    sandbox: dict | None = None
    # Files the parent cannot read, found before any worker imports them; then files that failed
    # to import in a worker: either is said once, for every exercise that needs the file.
    problems = plan.problems
    failed_imports: dict[str, _FileFailure] = {}
    keys, reused = plan.keys, plan.reused
    ahead = _start_training_ahead(plan, settings, budgets, points, run_deadline, workers.training)
    try:
        for exercise_id in selected:
            exercise = catalog.with_points(catalog.BY_ID[exercise_id], (points or {}).get(exercise_id))
            blocked, unavailable = _dependencies(exercise, results)
            if ahead is not None and exercise_id == TRAINING:
                if blocked:
                    ahead.cancel()
                ahead, running = None, ahead
            else:
                running = None
            file = layout.exercise_file(exercise_id)
            first_to_write = _not_started(layout, exercise) if blocked else None
            if first_to_write:
                # Nothing of this exercise is written yet: that, not the dependency, is the news.
                result = _all_checks(exercise, State.NOT_STARTED, Message("not_started", {"method": first_to_write}),
                                     layout)
            elif blocked:
                result = _all_checks(exercise, State.SKIPPED, Message("skipped_dependency", {"deps": ", ".join(blocked)}),
                                     layout)
            elif exercise_id in reused:
                result = replace(reused[exercise_id], reused=True)
            elif running is not None:
                result = running.result()
            elif _file_missing(layout, exercise):
                result = _all_checks(exercise, State.ERROR, Message("file_missing", {"file": file}), layout)
            elif file in problems:
                result = _all_checks(exercise, State.ERROR, problems[file], layout)
            elif (near := near_miss(layout, exercise)) is not None:
                result = _all_checks(exercise, State.FAILED, near[0], layout, location=near[1])
            elif file in failed_imports:
                result = failed_imports[file].for_exercise(exercise, layout)
            elif time.monotonic() >= run_deadline:
                result = _all_checks(exercise, State.TIMEOUT, Message("run_budget_spent", {"seconds": budgets.run}),
                                     layout)
            else:
                deadline = min(time.monotonic() + budgets.for_exercise(exercise_id), run_deadline)
                if session is None or not session.alive:
                    session = WorkerSession(submission, budgets.limits, import_dirs=layout.import_dirs)
                sandbox = sandbox or _applied(session, deadline)
                result = _run_exercise(exercise, session, settings, deadline, layout, failed_imports,
                                       unavailable)
                if unavailable:
                    result = _noting(result, Message("dependency_part_failed", {"checks": ", ".join(unavailable)}))
            if exercise_id in keys and not result.reused and _settled(exercise, results):
                verdicts.store(keys[exercise_id], result)
            results[exercise_id] = result
            if on_result is not None:
                on_result(result)
    except SandboxUnavailable as refused:
        raise SubmissionError("err.sandbox_required", reason=refused.reason) from None
    except SnapshotError as exc:
        raise SubmissionError(exc.key, **exc.params) from None
    finally:
        if ahead is not None:
            ahead.cancel()
        if session is not None:
            session.close()
    return Report(str(submission), tuple(results[e] for e in selected), settings.seed,
                  time.monotonic() - started, selected_all=not exercise_ids, sandbox=sandbox,
                  layout=summary(layout))


def _settled(exercise: catalog.Exercise, results: dict) -> bool:
    """Whether the verdicts this one was decided on could all be stored: a skip behind a
    dependency that timed out says more about the machine than about the code."""
    return all(verdicts.storable(results[d]) for d in exercise.depends_on if d in results)


def _applied(session: WorkerSession, deadline: float) -> dict | None:
    """What the worker's sandbox holds, as it said before any student code ran. A worker that
    refused to start (`--sandbox require`) raises SandboxUnavailable, which stops the run."""
    try:
        return session.sandbox(deadline).to_dict()
    except (WorkerTimeout, WorkerDied):
        return None  # the first check meets the same trouble and reports it


def _dependencies(exercise: catalog.Exercise, results: dict) -> tuple[list, tuple]:
    """(the dependencies that block `exercise`, the failing checks of the others).

    A dependency blocks only when a check the exercise relies on did not pass; its other
    failures cost their own points, and the exercise runs without them."""
    blocked, unavailable = [], []
    for dependency in exercise.depends_on:
        if dependency not in results or results[dependency].state is State.PASSED:
            continue
        needed = exercise.needs(dependency)
        failing = [c for c in results[dependency].checks if c.state is not State.PASSED]
        if needed is None or any(c.check in needed for c in failing):
            blocked.append(dependency)
        else:
            unavailable.extend(c.name for c in failing)
    return blocked, tuple(unavailable)


def _noting(result: ExerciseResult, note: Message) -> ExerciseResult:
    from dataclasses import replace
    return replace(result, checks=tuple(replace(c, note=note) for c in result.checks))


def _start_training_ahead(plan: Plan, settings: Settings, budgets: Budgets, points, run_deadline: float,
                          session: WorkerSession | None = None) -> Ahead | None:
    """Run train_neuralnet on its own worker (`session`, when one was started for it already),
    if the plan has it run ahead (grader.plan.trains_ahead)."""
    if session is None and not planning.trains_ahead(plan):
        return None
    layout = plan.layout
    exercise = catalog.with_points(catalog.BY_ID[TRAINING], (points or {}).get(TRAINING))
    deadline = min(time.monotonic() + budgets.for_exercise(TRAINING), run_deadline)
    return Ahead(layout.root, budgets.limits,
                 lambda worker: _run_exercise(exercise, worker, settings, deadline, layout),
                 import_dirs=layout.import_dirs, session=session)


@dataclass(frozen=True)
class _FileFailure:
    """A file that could not be imported: the same verdict for every exercise that needs it."""
    state: State
    message: Message
    exception: str | None = None
    location: tuple = ()

    def for_exercise(self, exercise: catalog.Exercise, layout: Layout | None = None) -> ExerciseResult:
        return _all_checks(exercise, self.state, self.message, layout, exception=self.exception,
                           location=self.location)


def _import_failure(exercise: catalog.Exercise, session: WorkerSession,
                    layout: Layout) -> _FileFailure | None:
    """Import the exercise's module in the worker; None when that worked."""
    submission = layout.root
    file = layout.exercise_file(exercise.id)
    try:
        session.request("import", module=layout.module_of(name_of_exercise(exercise.id)))
    except StudentException as exc:
        location = tuple(_source_line(submission, f) for f in exc.frames)
        # The file at fault: where the import stopped (two_layer_net.py importing a broken layers.py
        # is layers.py's fault), else the file being imported.
        culprit = exc.frames[-1][0] if exc.frames else file
        problem = source.problem(submission / culprit, culprit)
        if problem is not None:
            return _FileFailure(State.ERROR, problem)
        text = f"{exc.type_name}: {exc.message}" if exc.message else exc.type_name
        line = exc.frames[-1][1] if exc.frames else 0
        message = (Message("import_failed_at", {"file": culprit, "type": exc.type_name, "line": line}) if line
                   else Message("import_failed", {"file": culprit, "type": exc.type_name}))
        return _FileFailure(State.ERROR, message, text, location[-2:])
    except WorkerTimeout:
        return _FileFailure(State.TIMEOUT, Message("import_timeout", {"file": file}))
    except WorkerDied as died:
        return _FileFailure(State.ERROR, Message("import_died", {"file": file, "how": _how_it_ended(died)}))
    return None


def _writes(layout: Layout, exercise: catalog.Exercise) -> tuple[str, ...]:
    """What the student writes for `exercise` in this layout: the book's apple/orange script, or
    no file at all, grades the layers and asks for no function."""
    if exercise.id == "buy_apple_orange" and layout.apple_form != "function":
        return ()
    return exercise.writes


def _file_missing(layout: Layout, exercise: catalog.Exercise) -> bool:
    if exercise.id == "buy_apple_orange" and layout.apple_form == "wired":
        return False  # no file: the grader wires the book's graph from the student's layers
    return not (layout.root / layout.exercise_file(exercise.id)).is_file()


def _not_started(layout: Layout, exercise: catalog.Exercise) -> str | None:
    """The first thing to write, when none of `exercise` (or, for an exercise that writes nothing
    of its own, of what it depends on) has been written; else None."""
    from grader.stubs import unwritten
    writes = _writes(layout, exercise)
    if not writes:
        firsts = [_not_started(layout, catalog.BY_ID[d]) for d in exercise.depends_on]
        return firsts[0] if firsts and all(firsts) else None
    missing = unwritten(layout.root, exercise, layout.exercise_file(exercise.id))
    return missing[0] if len(missing) == len(writes) else None


def _all_checks(exercise: catalog.Exercise, state: State, message: Message, layout: Layout | None = None,
                **details) -> ExerciseResult:
    file = layout.exercise_file(exercise.id) if layout is not None else exercise.file
    return ExerciseResult(exercise.id, file, tuple(
        CheckResult(exercise.id, spec.name, state, spec.points, message, **details)
        for spec in exercise.checks))


def exercise_rng(seed: int, exercise_id: str) -> np.random.Generator:
    # Each exercise draws from its own stream, so checking one exercise alone sees the same inputs.
    return np.random.default_rng([seed, catalog.ORDER.index(exercise_id)])


def _run_exercise(exercise, session: WorkerSession, settings: Settings, deadline: float,
                  layout: Layout, failed_imports: dict | None = None,
                  unavailable: tuple = ()) -> ExerciseResult:
    session.deadline = deadline
    try:
        session.sandbox(deadline)   # a refusal must stop the run, not read as one check's error
    except (WorkerTimeout, WorkerDied):
        pass
    ctx = CheckContext(session, exercise_rng(settings.seed, exercise.id), settings, exercise=exercise.id,
                       layout=layout, unavailable=frozenset(unavailable))
    try:
        session.request("seed", seed=int(ctx.rng.bit_generator.seed_seq.generate_state(1)[0]))
    except (WorkerTimeout, WorkerDied, StudentException):
        pass  # the first check meets the same trouble and reports it
    # Imported after seeding, as before: a module that draws random numbers at import stays
    # reproducible.
    failure = _import_failure(exercise, session, layout) if _imported_first(exercise) else None
    if failure is not None:
        if failed_imports is not None:
            failed_imports[layout.exercise_file(exercise.id)] = failure
        output = session.take_output() if session.alive else session.output.take()
        return replace(failure.for_exercise(exercise, layout), output=output)
    # Prints at import time belong to the file, not to the first exercise that happened to import it.
    imported = (session.take_output() if session.alive else "") if _imported_first(exercise) else ""
    checks: list[CheckResult] = []
    ended: CheckResult | None = None   # a check that took the worker down
    started = time.monotonic()
    for spec in exercise.checks:
        if ended is not None:
            checks.append(CheckResult(exercise.id, spec.name, ended.state, spec.points,
                                      Message("not_run_after", {"check": ended.name})))
            continue
        t0 = time.monotonic()
        ctx.current, ctx.notes = "", {}
        result = _run_check(exercise.id, spec, ctx, layout)
        result = explain_error(_with_duration(result, time.monotonic() - t0), checks, layout.root)
        checks.append(result)
        if not session.alive:
            ended = result
    output = session.take_output() if session.alive else session.output.take()
    return ExerciseResult(exercise.id, layout.exercise_file(exercise.id), tuple(checks), output,
                          time.monotonic() - started, import_output=imported)


def _with_duration(result: CheckResult, seconds: float) -> CheckResult:
    return replace(result, duration=seconds)


def _run_check(exercise_id: str, spec, ctx: CheckContext, layout: Layout) -> CheckResult:
    submission = layout.root
    check = CHECKS[exercise_id][spec.name]
    base = dict(exercise=exercise_id, check=spec.name, max_score=spec.points)
    try:
        check(ctx)
    except CheckFailed as failure:
        # "at": the method whose line to show, where it is not the one the sentence names
        params = failure.message.params
        method = str(params.get("at") or params.get("method") or ctx.current)
        return CheckResult(**base, state=State.FAILED, message=failure.message,
                           comparison=failure.comparison, diagnosis=failure.diagnosis,
                           location=_definition(layout, method, failure.message.params.get("quantity"),
                                                layout.exercise_file(exercise_id), _ran_lines(ctx.session)),
                           extra=dict(ctx.notes))
    except StudentException as exc:
        location = tuple(_source_line(submission, f) for f in exc.frames)
        text = f"{exc.type_name}: {exc.message}" if exc.message else exc.type_name
        if exc.not_started:
            return CheckResult(**base, state=State.NOT_STARTED,
                               message=Message("not_started", {"method": ctx.current}),
                               location=location[-1:], extra=dict(ctx.notes))
        return CheckResult(**base, state=State.ERROR, message=Message("raised", {"method": ctx.current}),
                           exception=text, location=location, extra=dict(ctx.notes))
    except WorkerTimeout:
        return CheckResult(**base, state=State.TIMEOUT,
                           message=Message("timeout", {"method": ctx.current}))
    except WorkerDied as died:
        return CheckResult(**base, state=State.ERROR,
                           message=Message("worker_died", {"method": ctx.current,
                                                           "how": _how_it_ended(died)}))
    except MnistError as missing:
        return CheckResult(**base, state=State.ERROR, message=Message("mnist_unavailable", {}),
                           exception=str(missing))
    except Exception as bug:  # the grader's own fault: report it, never lose the rest of the report
        return CheckResult(**base, state=State.ERROR, message=Message("grader_bug", {}),
                           exception=f"{type(bug).__name__}: {bug}")
    return CheckResult(**base, state=State.PASSED, extra=dict(ctx.notes))


def _how_it_ended(died: WorkerDied) -> str:
    code = died.returncode
    if code is None:
        return died.reason
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"{died.reason}: killed by {name}"
    return f"{died.reason}: exit code {code}"


def _ran_lines(session: WorkerSession):
    """Ask the worker which lines of a function ran in its latest run: {line} or None. Used only to
    choose among the lines the parent's own reading of the source found (grader.checks.lines)."""
    def lines(file: str, first_line: int) -> set[int] | None:
        if not session.alive:
            return None
        try:
            got = session.request("ran_lines", file=file, line=first_line)
        except (WorkerTimeout, WorkerDied, StudentException):
            return None
        if not isinstance(got, list) or not all(isinstance(n, int) for n in got[:10_000]):
            return None
        return set(got[:10_000])
    return lines


def _definition(layout: Layout, qualname: str, quantity=None, own_file: str | None = None,
                ran_lines=None) -> tuple[SourceLine, ...]:
    """The student's line behind a wrong value: a wrong value has no traceback, but the report and
    CI annotations can still point at the code to look at. Within `Class.method` (or function):
    the line `grader.checks.lines` finds (one that ran and changed the quantity), else the `def`.
    `ran_lines(file, first_line)`: the lines the worker saw run there, when it can say."""
    import ast
    submission = layout.root
    home = layout.homes.get(qualname.split(".")[0])
    # The exercise's own file first: an extra's classes live there and may share a core layer's
    # name (modular_network's Sigmoid is not layers.py's), and a file that defines a class of its
    # own uses that one. A name the file only imports falls through to its home.
    exercise_files = ([own_file] if own_file else []) + ([home.file] if home else []) + sorted(set(layout.searched))
    parts = qualname.split(".")
    for file in dict.fromkeys(exercise_files):
        try:
            tree = source.parse(submission / file, file)
        except (source.SourceProblem, SyntaxError):
            continue
        scope = tree.body
        node = None
        for part in parts:
            node = next((n for n in scope if isinstance(n, (ast.ClassDef, ast.FunctionDef))
                         and n.name == part), None)
            if node is None:
                break
            scope = node.body
        if node is not None and isinstance(node, ast.FunctionDef):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])  # as the code object counts
            ran = ran_lines(file, first) if ran_lines is not None else None
            line = line_computing(node, quantity, ran) or node.lineno
            return (_source_line(submission, (file, line, node.name)),)
    return ()


def _source_line(submission: Path, frame: tuple) -> SourceLine:
    """Read the student's line ourselves; the worker only told us where to look."""
    file, line, function = frame
    # relative to the submission's root, '/'-separated (from the worker)
    lines = source.lines(submission / file) if line > 0 else []
    code = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    return SourceLine(file, line, function, code[:200])

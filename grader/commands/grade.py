"""`grader grade SUBMISSIONS --output gradebook.csv [--jobs N]`: a whole class at once.

Each subfolder is graded by its own `grader check` process (so one hostile submission cannot
reach another, nor the gradebook), under a wall-clock cap, N at a time. On Linux the processes are
forked from a fork server that has imported the grader once (grader/forkserver.py; about 0.4 s of
CPU saved per submission, measured), elsewhere started as new interpreters. Every submission's
results.json lands beside the CSV in `<name>.results/`, stamped with what it was graded under
(grader/stamp.py); the CSV is written to a temporary file and renamed, so an interrupted run
never leaves half a gradebook. Run again, it reuses every complete result whose submission and
parameters have not changed. `--shard K/N` grades one N-th of the class (grader/shards.py);
`grader gradebook` merges the shards' results.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from grader import BLAS_THREAD_VARIABLES
from grader.commands.common import EXIT_PASSED, UsageError, add_language_option, tr
from grader.sandbox import processes


def register(sub) -> None:
    parser = sub.add_parser("grade", help=tr("cli.grade"), description=tr("cli.grade.description"))
    parser.add_argument("submissions", type=Path, metavar="SUBMISSIONS")
    parser.add_argument("--output", type=Path, required=True, metavar="CSV")
    parser.add_argument("--jobs", type=int, default=1, metavar="N", help=tr("cli.grade.jobs"))
    parser.add_argument("--seed", type=int, help=tr("cli.grade.seed"))
    parser.add_argument("--config", type=Path, metavar="FILE")
    parser.add_argument("--timeout", type=float, metavar="SECONDS", help=tr("cli.grade.timeout"))
    parser.add_argument("--sandbox", choices=("auto", "require", "off"), default=None,
                        help=tr("cli.grade.sandbox"))
    parser.add_argument("--no-cache", action="store_true",
                        help=tr("cli.grade.no_cache"))
    parser.add_argument("--cap", type=float, default=None, metavar="SECONDS",
                        help=tr("cli.grade.cap"))
    parser.add_argument("--shard", metavar="K/N", help=tr("cli.grade.shard"))
    add_language_option(parser)
    parser.set_defaults(func=run)


# What a check process needs of the environment; nothing else (CI tokens, cloud keys) reaches it.
_ENV_KEEP = ("PATH", "HOME", "LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LC_CTYPE", "TZ", "TMPDIR",
             "TEMP", "TMP", "SYSTEMROOT", "XDG_CACHE_HOME", "GRADER_SEED", "GRADER_CACHE_DIR",
             "GRADER_MNIST_DIR", "GRADER_SANDBOX", *BLAS_THREAD_VARIABLES)


def check_environment(jobs: int) -> dict:
    env = {k: os.environ[k] for k in _ENV_KEEP if k in os.environ}
    env["GRADER_CORES"] = str(cores_per_job(jobs))  # parallel within a run only on spare cores
    return env


def display_name(folder: Path) -> str:
    """A folder's name as text: bytes that are not UTF-8 (a name made on another system) are
    shown as \\xNN escapes instead of ending the run."""
    return os.fsencode(folder.name).decode("utf-8", "backslashreplace")


@dataclass
class Graded:
    name: str
    report: dict
    note: str = ""
    reused: bool = False


@dataclass
class Submission:
    folder: Path
    name: str
    files_digest: str


def submissions_in(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise UsageError("err.not_folder", path=str(folder))
    found = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "__")))
    if not found:
        raise UsageError("err.no_subfolders", path=str(folder))
    return found


class _Running:
    """The check processes under way, so that an interrupted run ends them and starts no more.
    They are forked from `server` where there is one (grader/forkserver.py), else spawned."""

    def __init__(self, server=None, scratch: Path | None = None):
        self.lock = threading.Lock()
        self.procs: set = set()
        self.stopped = False
        self.server = server
        self.scratch = scratch   # where each check's stderr is written until it is read
        self.count = 0

    def stderr_file(self) -> Path:
        with self.lock:
            self.count += 1
            return self.scratch / f"check-{self.count}.stderr"

    def start(self, argv: list[str], env: dict, stderr: Path):
        from grader import check_processes
        if self.stopped:
            return None
        proc = self.server.start(argv, stderr) if self.server is not None else None
        with self.lock:
            if proc is None and not self.stopped:
                proc = check_processes.spawn(argv, env, stderr)
            if proc is not None:
                self.procs.add(proc)
            if self.stopped and proc is not None:   # interrupted while it started
                processes.kill_tree(proc)
        return None if self.stopped else proc

    def done(self, proc) -> None:
        with self.lock:
            self.procs.discard(proc)

    def stop(self) -> None:
        with self.lock:
            self.stopped = True
            procs = list(self.procs)
        for proc in procs:
            processes.kill_tree(proc)


def grade_one(sub: Submission, results: Path, args, cap: float, max_score: float,
              config_file: Path | None, seed: int, parameters: dict, running: _Running) -> Graded | None:
    from grader import stamp
    target = results / f"{sub.name}.json"
    partial = results / f".{sub.name}.json.partial"  # becomes the result only once stamped
    command = ["check", os.fsdecode(sub.folder), "--format", "json", "--output", str(partial), "--seed", str(seed)]
    for option, value in (("--config", config_file), ("--timeout", args.timeout),
                          ("--lang", args.lang), ("--sandbox", args.sandbox)):
        if value is not None:
            command += [option, str(value)]
    if config_file is None:
        command.append("--no-config")
    if args.no_cache:
        command.append("--no-cache")
    stderr = running.stderr_file()
    proc = running.start(command, check_environment(args.jobs), stderr)
    if proc is None:
        return None
    try:
        try:
            proc.wait(timeout=cap)
        except subprocess.TimeoutExpired:
            processes.kill_tree(proc)
            proc.wait()
            return _failed(sub, target, max_score, f"not finished within {cap:g} s: graded 0", parameters)
    finally:
        running.done(proc)
    try:
        err = stderr.read_bytes()
        stderr.unlink()
    except OSError:
        err = b""
    if running.stopped:
        return None
    if proc.returncode in (0, 1) and partial.is_file():
        try:
            report = json.loads(partial.read_text(encoding="utf-8"))
        except ValueError:
            report = None
        if isinstance(report, dict):
            stamp.stamp(report, sub.name, sub.files_digest, parameters, complete=True)
            _write_json(target, report)
            partial.unlink(missing_ok=True)
            return Graded(sub.name, report)
    message = err.decode("utf-8", "replace").strip().splitlines()
    return _failed(sub, target, max_score, message[-1] if message else f"exit code {proc.returncode}",
                   parameters)


def _write_json(path: Path, report: dict) -> None:
    from grader.gradebook import write_atomically
    write_atomically(path, json.dumps(report, ensure_ascii=False, indent=2) + "\n")


def cores_per_job(jobs: int) -> int:
    from grader.plan import machine_cores
    return max(1, machine_cores() // jobs)


def _failed(sub: Submission, target: Path, max_score: float, note: str, parameters: dict) -> Graded:
    """A zero the grade command writes itself; marked incomplete, so a later run grades it again."""
    from grader import stamp
    report = {"score": 0, "max_score": max_score, "execution_time": 0, "output": note, "tests": []}
    stamp.stamp(report, sub.name, sub.files_digest, parameters, complete=False)
    _write_json(target, report)
    return Graded(sub.name, report, note)


def _earlier(sub: Submission, target: Path, parameters: dict) -> dict | None:
    """The results file of an earlier run, if it is complete and still right for this submission."""
    from grader import stamp
    try:
        report = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return report if stamp.reusable(report, sub.name, sub.files_digest, parameters) else None


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def run(args) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from grader import catalog, gradebook, shards, stamp
    from grader.commands.check import budgets_from, load_config, seed_from
    from grader.messages import choose_language, say

    lang = choose_language(args.lang)
    if args.jobs < 1:
        raise UsageError("err.jobs_low")
    shard = None
    if args.shard is not None:
        try:
            shard = shards.parse(args.shard)
        except shards.ShardError as exc:
            raise UsageError(str(exc)) from None
    folders = submissions_in(args.submissions)
    if shard is not None:
        folders = [f for f in folders if shards.shard_of(os.fsencode(f.name), shard[1]) == shard[0]]
    # The instructor's --config, else one in the current folder; never one among the submissions.
    config = load_config(args, None)
    config_file = config.source.resolve() if config.source is not None else None
    seed = seed_from(args, config)
    parameters = stamp.class_parameters(seed, stamp.configuration_digest(config, budgets_from(args, config)),
                                        config.max_score)
    cap = args.cap or (config.run_timeout or 900) + 60
    results = args.output.with_name(args.output.stem + ".results")
    results.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    subs = [Submission(f, display_name(f), stamp.submission_digest(f)) for f in folders]
    earlier = {s.name: _earlier(s, results / f"{s.name}.json", parameters) for s in subs}
    to_grade = [s for s in subs if earlier[s.name] is None]
    graded: dict[str, Graded] = {s.name: Graded(s.name, earlier[s.name], reused=True)
                                 for s in subs if earlier[s.name] is not None}
    scratch = Path(tempfile.mkdtemp(prefix="grader-grade-"))
    running = _Running(_fork_server(args.jobs, lang) if to_grade else None, scratch)
    previous = signal.signal(signal.SIGTERM, _raise_interrupt) if _main_thread() else None
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=Console(stderr=True), transient=True)
    pool = ThreadPoolExecutor(max_workers=args.jobs)
    try:
        with progress:
            task = progress.add_task("grading", total=len(to_grade))
            futures = [pool.submit(grade_one, s, results, args, cap, config.max_score, config_file, seed,
                                   parameters, running) for s in to_grade]
            for future in futures:
                done = future.result()
                graded[done.name] = done
                progress.advance(task)
    except KeyboardInterrupt:
        running.stop()
        pool.shutdown(wait=True, cancel_futures=True)
        kept = sum(1 for g in graded.values() if not g.note)
        print(f"grader: {say('grade.interrupted', lang, kept=kept, total=len(subs))}", file=sys.stderr)
        return 130
    finally:
        pool.shutdown(wait=True)
        if running.server is not None:
            running.server.close()
        shutil.rmtree(scratch, ignore_errors=True)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    ordered = [graded[s.name] for s in subs]
    gradebook.write_csv(args.output, [(g.name, g.report) for g in ordered], catalog.ORDER)
    seconds = time.monotonic() - started
    for g in ordered:
        if g.note:
            print(f"grader: {g.name}: {g.note}", file=sys.stderr)
    if shard is not None:
        print(say("grade.shard", lang, k=shard[0], n=shard[1], count=len(subs)), file=sys.stderr)
    print(say("grade.done", lang, graded=len(to_grade), reused=len(subs) - len(to_grade),
              seconds=seconds, output=args.output, results=results), file=sys.stderr)
    return EXIT_PASSED


def _fork_server(jobs: int, lang: str):
    """The fork server the checks start from (grader/forkserver.py), where the platform has one
    and GRADER_FORKSERVER is not "off"; None where each check is a new interpreter."""
    from grader import check_processes, forkserver
    if not forkserver.available() or os.environ.get("GRADER_FORKSERVER", "").strip().lower() == "off":
        return None
    try:
        return check_processes.ForkServer(check_environment(jobs), lang)
    except OSError:
        return None


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()

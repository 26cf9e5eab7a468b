"""`grader grade SUBMISSIONS --output gradebook.csv [--jobs N]`: a whole class at once.

Each subfolder is graded by its own `grader check` process (so one hostile submission cannot
reach another, nor the gradebook), under a wall-clock cap, N at a time. Every submission's
results.json lands beside the CSV in `<name>.results/`; the CSV is written to a temporary file
and renamed, so an interrupted run never leaves half a gradebook.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from grader.commands.common import EXIT_PASSED, UsageError, add_language_option
from grader.sandbox import processes


def register(sub) -> None:
    parser = sub.add_parser("grade", help="grade every subfolder of SUBMISSIONS into a CSV gradebook",
                            description="Grade every subfolder of SUBMISSIONS, each in its own process, "
                                        "into a CSV gradebook. 提出フォルダをまとめて採点し、CSV の成績表を作ります。")
    parser.add_argument("submissions", type=Path, metavar="SUBMISSIONS")
    parser.add_argument("--output", type=Path, required=True, metavar="CSV")
    parser.add_argument("--jobs", type=int, default=1, metavar="N", help="submissions graded at once (default 1)")
    parser.add_argument("--seed", type=int, help="seed for every submission (default: $GRADER_SEED, the config, 0)")
    parser.add_argument("--config", type=Path, metavar="FILE")
    parser.add_argument("--timeout", type=float, metavar="SECONDS", help="time budget per exercise")
    parser.add_argument("--sandbox", choices=("auto", "require", "off"), default=None,
                        help="the workers' confinement, as for grader check")
    parser.add_argument("--no-cache", action="store_true",
                        help="grade every submission anew (by default an unchanged exercise keeps its verdict)")
    parser.add_argument("--cap", type=float, default=None, metavar="SECONDS",
                        help="wall-clock cap per submission (default: the run budget + 60 s)")
    add_language_option(parser)
    parser.set_defaults(func=run)


# What a check process needs of the environment; nothing else (CI tokens, cloud keys) reaches it.
_ENV_KEEP = ("PATH", "HOME", "LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LC_CTYPE", "TZ", "TMPDIR",
             "TEMP", "TMP", "SYSTEMROOT", "XDG_CACHE_HOME", "GRADER_SEED", "GRADER_CACHE_DIR",
             "GRADER_MNIST_DIR", "GRADER_SANDBOX", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
             "MKL_NUM_THREADS")


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


def submissions_in(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise UsageError(f"not a folder: {folder}")
    found = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "__")))
    if not found:
        raise UsageError(f"{folder} has no subfolders to grade")
    return found


def grade_one(folder: Path, results: Path, args, cap: float, max_score: float,
              config_file: Path | None) -> Graded:
    name = display_name(folder)
    target = results / f"{name}.json"
    command = [sys.executable, "-m", "grader", "check", os.fsdecode(folder), "--format", "json",
               "--output", str(target)]
    for option, value in (("--seed", args.seed), ("--config", config_file), ("--timeout", args.timeout),
                          ("--lang", args.lang), ("--sandbox", args.sandbox)):
        if value is not None:
            command += [option, str(value)]
    if config_file is None:
        command.append("--no-config")
    if args.no_cache:
        command.append("--no-cache")
    env = check_environment(args.jobs)
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                            **processes.popen_options())
    try:
        _, err = proc.communicate(timeout=cap)
    except subprocess.TimeoutExpired:
        processes.kill_tree(proc)
        proc.communicate()
        return _failed(name, target, max_score, f"not finished within {cap:g} s: graded 0")
    if proc.returncode in (0, 1) and target.is_file():
        try:
            return Graded(name, json.loads(target.read_text(encoding="utf-8")))
        except ValueError:
            pass
    message = err.decode("utf-8", "replace").strip().splitlines()
    return _failed(name, target, max_score, message[-1] if message else f"exit code {proc.returncode}")


def cores_per_job(jobs: int) -> int:
    from grader.runner import machine_cores
    return max(1, machine_cores() // jobs)


def _failed(name: str, target: Path, max_score: float, note: str) -> Graded:
    report = {"score": 0, "max_score": max_score, "execution_time": 0, "output": note, "tests": []}
    target.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return Graded(name, report, note)


def run(args) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from grader import catalog, gradebook
    from grader.commands.check import load_config

    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    folders = submissions_in(args.submissions)
    # The instructor's --config, else one in the current folder; never one among the submissions.
    config = load_config(args, None)
    config_file = config.source.resolve() if config.source is not None else None
    cap = args.cap or (config.run_timeout or 900) + 60
    results = args.output.with_name(args.output.stem + ".results")
    results.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    graded: list[Graded] = []
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=Console(stderr=True), transient=True)
    with progress, ThreadPoolExecutor(max_workers=args.jobs) as pool:
        task = progress.add_task("grading", total=len(folders))
        futures = [pool.submit(grade_one, f, results, args, cap, config.max_score, config_file) for f in folders]
        for future in futures:
            graded.append(future.result())
            progress.advance(task)
    gradebook.write_csv(args.output, [(g.name, g.report) for g in graded], catalog.ORDER)
    seconds = time.monotonic() - started
    for g in graded:
        if g.note:
            print(f"grader: {g.name}: {g.note}", file=sys.stderr)
    print(f"{len(graded)} submissions graded in {seconds:.1f} s -> {args.output} (results in {results})",
          file=sys.stderr)
    return EXIT_PASSED

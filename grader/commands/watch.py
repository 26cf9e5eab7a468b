"""`grader watch [PATH]`: re-check what a save changed, as you work.

Polling (modification time and size, then a content hash) rather than file-system events:
it works the same on network drives, WSL and Google Drive, where events are unreliable.
"""
from __future__ import annotations

import argparse
import hashlib
import time
from pathlib import Path

from grader.commands.common import EXIT_PASSED, add_language_option, default_submission, submission_folder, tr


def register(sub) -> None:
    parser = sub.add_parser("watch", help=tr("cli.watch"))
    parser.add_argument("path", nargs="?", type=Path, default=None, metavar="PATH")
    parser.add_argument("--interval", type=float, default=0.5, metavar="SECONDS",
                        help=tr("cli.watch.interval"))
    parser.add_argument("--max-runs", type=int, default=None, help=argparse.SUPPRESS)  # for tests
    add_language_option(parser)
    parser.set_defaults(func=run)


def watched(folder: Path) -> tuple[Path, tuple[str, ...]]:
    """The root and the folders under it whose .py files the submission's layout uses: the folder
    itself, or the book's ch05/ and common/."""
    from grader.layout import detect
    layout = detect(folder)
    dirs = [*layout.import_dirs, *(Path(h.file).parent.as_posix() for h in layout.homes.values())]
    return layout.root, tuple(dict.fromkeys(dirs))


def snapshot(folder: Path, dirs: tuple[str, ...] = (".",)) -> dict[str, tuple[int, int, str]]:
    """{file under `folder`, '/'-separated: (mtime, size, "")} for the .py files in `dirs`."""
    found = {}
    for directory in dirs:
        for path in sorted((folder / directory).glob("*.py")):
            try:
                stat = path.stat()
                found[path.relative_to(folder).as_posix()] = (stat.st_mtime_ns, stat.st_size, "")
            except (OSError, ValueError):
                continue
    return found


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def changed_files(folder: Path, before: dict, after: dict, hashes: dict) -> list[str]:
    """Files whose stat changed and whose content really differs (editors touch files needlessly)."""
    changed = []
    for name in sorted(set(before) | set(after)):
        if before.get(name, (None,))[:2] == after.get(name, (None,))[:2]:
            continue
        digest = _digest(folder / name)
        if hashes.get(name) != digest:
            hashes[name] = digest
            changed.append(name)
    return changed


def affected_exercises(files: list[str], layout=None) -> list[str]:
    """Exercises in the changed files, and every exercise that depends on one of them. `layout`
    (grader.layout) says which file holds each class; the flat folder's files by default."""
    from grader import catalog
    if any(Path(f).name == "functions.py" for f in files):  # every layer imports it (no extra does)
        return list(catalog.CORE)
    hit = {e.id for e in catalog.EXERCISES
           if (layout.exercise_file(e.id) if layout is not None else e.file) in files}
    grew = True
    while grew:
        more = {e.id for e in catalog.EXERCISES if set(e.depends_on) & hit} - hit
        grew = bool(more)
        hit |= more
    return [e for e in catalog.ORDER if e in hit]


def run(args) -> int:
    from rich.console import Console

    from grader.messages import choose_language, say
    from grader.report import rich_report
    from grader.results import State
    from grader.runner import run as run_checks

    lang = choose_language(args.lang)
    folder = submission_folder(args.path or default_submission())
    console = Console()
    states: dict[str, State] = {}
    runs = 0

    def check(exercises) -> None:
        nonlocal runs
        report = run_checks(folder, exercises, cache=True)
        console.print(rich_report.render(report, lang))
        for result in report.exercises:
            if result.state is State.PASSED and states.get(result.exercise) not in (None, State.PASSED):
                console.print(say("ui.watch_passed", lang, exercise=result.exercise), style="bold green")
            states[result.exercise] = result.state
        runs += 1

    console.print(say("ui.watch_start", lang, path=str(folder)), style="bold")
    root, dirs = watched(folder)
    before = snapshot(root, dirs)
    hashes = {name: _digest(root / name) for name in before}
    check(None)
    try:
        while args.max_runs is None or runs < args.max_runs:
            time.sleep(args.interval)
            after = snapshot(root, dirs)
            files = changed_files(root, before, after, hashes)
            before = after
            if files:
                from grader.layout import detect
                exercises = affected_exercises(files, detect(folder))
                if exercises:
                    console.rule(say("ui.watch_changed", lang, files=", ".join(files),
                                     exercises=", ".join(exercises)))
                    check(exercises)
    except KeyboardInterrupt:
        pass
    return EXIT_PASSED

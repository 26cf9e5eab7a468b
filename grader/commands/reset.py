"""`grader reset EXERCISE [PATH]`: put one exercise's stub back, keeping everything else.

Only the bodies the exercise asks for are replaced (found with ast); the rest of the student's
file stays as it is, and the file as it was is kept beside it as `<file>.<time>.bak` first.
"""
from __future__ import annotations

import time
from pathlib import Path

from grader.commands.common import EXIT_PASSED, UsageError, add_language_option, default_submission, tr
from grader.commands.files import create_new, regular_file, replace_with


def register(sub) -> None:
    parser = sub.add_parser("reset", help=tr("cli.reset"))
    parser.add_argument("exercise", metavar="EXERCISE")
    parser.add_argument("path", nargs="?", type=Path, default=None, metavar="PATH")
    add_language_option(parser)
    parser.set_defaults(func=run)


def write_backup(path: Path, text: str) -> Path:
    """Keep `text` as `<file>.<time>.bak` beside `path`; a name already taken (by an earlier
    reset in the same second, or by anything planted there) is never written through."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(1000):
        candidate = path.with_name(f"{path.name}.{stamp}{'' if n == 0 else f'-{n}'}.bak")
        try:
            create_new(candidate, text)
            return candidate
        except FileExistsError:
            continue
    raise UsageError("err.no_backup_name", path=str(path))


def exercise_path(exercise, folder: Path) -> Path:
    """The file that holds the exercise in this folder's layout: the flat folder, the book's
    repository (MulLayer in ch05/layer_naive.py, Relu in common/layers.py) or the course's own
    ([tool.grader.files] in the configuration found beside the folder)."""
    from grader.config import ConfigError, load
    from grader.layout import detect
    if not folder.is_dir():
        raise UsageError("err.no_folder", path=str(folder))
    try:
        files = load(None, folder).files
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    layout = detect(folder, files)
    if exercise.id == "buy_apple_orange" and layout.apple_form != "function":
        # the book's script, or no file: there is no function body to put back
        raise UsageError("err.nothing_to_reset", exercise=exercise.id)
    return layout.root / layout.exercise_file(exercise.id)


def reset_exercise(exercise, folder: Path) -> tuple[Path, Path]:
    """Rewrite the exercise's file with its stub bodies restored; returns (the file, its backup)."""
    from grader import source
    from grader.stubs import defined_names, stub_source

    path = exercise_path(exercise, folder)
    regular_file(path)
    try:
        original = source.read_utf8(path, exercise.file)
        tree = source.parse_text(original, exercise.file)
    except source.SourceProblem as exc:
        raise UsageError(exc.message.key, **exc.message.params) from None
    except SyntaxError as exc:
        raise UsageError("err.reset_syntax", path=str(path), line=exc.lineno or 0) from None
    missing = [name for name in exercise.writes if name not in defined_names(tree)]
    if missing:
        raise UsageError("err.reset_missing", path=str(path), names=", ".join(missing))
    # The catalogue's file name says which bodies are the student's, whatever the file is called here;
    # the given code the student corrects goes back to the stub's form too.
    updated = stub_source(original, exercise.file, only={*exercise.writes, *(name for name, _ in exercise.starts)})
    backup = write_backup(path, original)
    replace_with(path, updated)
    return path, backup


def run(args) -> int:
    from grader import catalog
    from grader.messages import choose_language, say

    lang = choose_language(args.lang)
    exercise = catalog.find(args.exercise)
    if exercise is None:
        raise UsageError("err.unknown_exercise", name=args.exercise, exercises=", ".join(catalog.ORDER))
    if not exercise.writes:
        raise UsageError("err.nothing_to_reset", exercise=exercise.id)
    folder = args.path or default_submission()
    path, backup = reset_exercise(exercise, folder)
    print(say("ui.reset_done", lang, exercise=exercise.id, file=str(path), backup=str(backup)))
    return EXIT_PASSED

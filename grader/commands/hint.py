"""`grader hint EXERCISE [--more | --level N]`: hints in steps, from a nudge to a shape-level recipe.

The step a student has reached is remembered per exercise in the user's cache folder (never in
the submission), so `grader hint Affine --more` goes one step further each time.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from grader.commands.common import EXIT_PASSED, UsageError, add_language_option, tr


def register(sub) -> None:
    parser = sub.add_parser("hint", help=tr("cli.hint"))
    parser.add_argument("exercise", metavar="EXERCISE")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--more", action="store_true", help=tr("cli.hint.more"))
    group.add_argument("--level", type=int, metavar="N", help=tr("cli.hint.level"))
    add_language_option(parser)
    parser.set_defaults(func=run)


def state_file() -> Path:
    base = os.environ.get("GRADER_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache"), "backprop-grader")
    return Path(base) / "hint-levels.json"


def _levels() -> dict:
    try:
        data = json.loads(state_file().read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _remember(exercise_id: str, level: int) -> None:
    levels = _levels()
    levels[exercise_id] = level
    path = state_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(levels), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # hints still work, they just start from the first step next time


def run(args) -> int:
    from rich.console import Console

    from grader.report.console import Fitted
    from rich.panel import Panel
    from rich.text import Text

    from grader import catalog
    from grader.messages import choose_language, say

    lang = choose_language(args.lang)
    exercise = catalog.find(args.exercise)
    if exercise is None:
        raise UsageError("err.unknown_exercise", name=args.exercise, exercises=", ".join(catalog.ORDER))
    steps = exercise.hints
    if args.level is not None:
        level = args.level
    elif args.more:
        level = _levels().get(exercise.id, 0) + 1
    else:
        level = max(_levels().get(exercise.id, 1), 1)
    level = max(1, min(level, len(steps)))
    _remember(exercise.id, level)
    body = Text()
    for number, step in enumerate(steps[:level], 1):
        body.append(f"{number}. ", style="bold")
        body.append(step.get(lang, step["en"]) + "\n")
    if level < len(steps):
        body.append(say("ui.hint_more", lang, exercise=exercise.id, left=len(steps) - level), style="dim")
    else:
        body.append(say("ui.hint_last", lang), style="dim")
    title = f"{say('ui.hint', lang)}: {exercise.id} — {exercise.title[lang]} ({level}/{len(steps)})"
    Console().print(Fitted(Panel(body, title=title, title_align="left", border_style="green")))
    return EXIT_PASSED

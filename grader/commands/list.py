"""`grader list [PATH]`: the exercises in the book's order, their state and points, what is next."""
from __future__ import annotations

from pathlib import Path

from grader.commands.common import EXIT_PASSED, add_language_option, default_submission, submission_folder, tr


def register(sub) -> None:
    parser = sub.add_parser("list", help=tr("cli.list"))
    parser.add_argument("path", nargs="?", type=Path, default=None, metavar="PATH")
    add_language_option(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    from rich.console import Console
    from rich.table import Table

    from grader import catalog
    from grader.messages import choose_language, say
    from grader.report.console import Fitted
    from grader.report.rich_report import extras_heading, state_text
    from grader.results import State
    from grader.settings import Budgets, Settings
    from grader.verdicts import report_if_unchanged

    lang = choose_language(args.lang)
    # States from the verdict cache where nothing changed: after a check, list grades nothing.
    path = args.path or default_submission()
    report = report_if_unchanged(path, [], Settings(), Budgets())
    if report is None:
        from grader.runner import run as run_checks
        report = run_checks(submission_folder(path), cache=True)
    table = Table(title=say("ui.list_title", lang, path=report.submission), title_justify="left")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column(say("ui.exercise", lang), no_wrap=True)
    console = Console()
    # The topic only where it fits: squeezed into an 80-column terminal it made every row 3-4 lines.
    with_topic = console.width >= 100
    if with_topic:
        table.add_column(say("ui.topic", lang))
    table.add_column(say("ui.file", lang), no_wrap=True)
    table.add_column(say("ui.state", lang), no_wrap=True)
    table.add_column(say("ui.points", lang), justify="right", no_wrap=True)
    upcoming = report.next_exercise()
    graded = {result.exercise: result for result in report.exercises}
    files = dict(report.layout.get("files", {})) if report.layout else {}
    grouped = False
    for number, exercise_id in enumerate((e for e in catalog.ORDER if e in graded or catalog.is_extra(e)), 1):
        exercise = catalog.BY_ID[exercise_id]
        if exercise.extra and not grouped:
            extras_heading(table, lang, column=1)
            grouped = True
        marker = " ←" if upcoming is not None and exercise_id == upcoming.exercise else ""
        cells = [str(number), exercise_id + marker] + ([exercise.title[lang]] if with_topic else [])
        result = graded.get(exercise_id)
        if result is None:
            # An extra nobody has written: listed with its state, outside the score.
            table.add_row(*cells, files.get(exercise_id, exercise.file),
                          state_text(State.NOT_STARTED, lang), "-")
        else:
            table.add_row(*cells, result.file, state_text(result.state, lang),
                          f"{result.score:g}/{result.max_score:g}")
    console.print(Fitted(table))
    if upcoming is None:
        console.print(say("ui.all_passed", lang), style="bold green")
    else:
        console.print(say("ui.next", lang, exercise=upcoming.exercise, file=upcoming.file), style="bold")
    return EXIT_PASSED

"""The `grader` command: parse arguments, run, pick a writer, set the exit code. Nothing else.

Heavy modules (numpy, rich, the checks) are imported inside the commands, so that `grader --help`
answers at once.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """The command itself cannot run (exit code 2)."""


def _split_targets(targets: list[str]) -> tuple[Path, list[str]]:
    """`grader check [PATH] [EXERCISE ...]`: the path is optional, exercise ids match case-insensitively."""
    from grader import catalog
    path = Path("exercises")
    rest = list(targets)
    if rest and (catalog.find(rest[0]) is None or Path(rest[0]).is_dir()):
        path = Path(rest.pop(0))
    ids = []
    for name in rest:
        exercise = catalog.find(name)
        if exercise is None:
            raise UsageError(f"unknown exercise {name!r}; the exercises are: {', '.join(catalog.ORDER)}")
        ids.append(exercise.id)
    return path, ids


def cmd_check(args) -> int:
    from grader.checks.context import Settings
    from grader.messages import choose_language
    from grader.runner import SubmissionError, run

    lang = choose_language(args.lang)
    path, ids = _split_targets(args.targets)
    settings = Settings(seed=args.seed)
    try:
        report = run(path, ids or None, settings)
    except SubmissionError as exc:
        raise UsageError(str(exc)) from None
    _write(report, args.format, args.output, lang)
    if args.min_score is not None:
        return EXIT_PASSED if report.score >= args.min_score else EXIT_FAILED
    return EXIT_PASSED if report.passed else EXIT_FAILED


def _write(report, fmt: str, output: str | None, lang: str) -> None:
    if fmt == "json":
        from grader.report import json_report
        rendered = json_report.render(report, lang)
        if output:
            Path(output).write_text(rendered + "\n", encoding="utf-8")
        else:
            sys.stdout.write(rendered + "\n")
        return
    from rich.console import Console
    from grader.report import rich_report
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            Console(file=fh, width=100, no_color=True).print(rich_report.render(report, lang))
    else:
        Console().print(rich_report.render(report, lang))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="grader",
        description="Grade chapter 5 of 'Deep Learning from Scratch' (backpropagation) exercise by exercise.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = sub.add_parser("check", help="check a submission folder (default ./exercises)")
    check.add_argument("targets", nargs="*", metavar="[PATH] [EXERCISE]",
                       help="the submission folder, then optionally exercise ids (case-insensitive)")
    check.add_argument("--format", choices=("rich", "json"), default="rich")
    check.add_argument("--output", metavar="FILE", help="write the report to FILE")
    check.add_argument("--lang", choices=("ja", "en"), help="report language (default: from LANG)")
    check.add_argument("--seed", type=int, default=int(os.environ.get("GRADER_SEED", "0") or 0),
                       help="seed for the random inputs (default 0, or $GRADER_SEED)")
    check.add_argument("--min-score", type=float, help="exit 0 when the score reaches this")
    check.set_defaults(func=cmd_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed why
        return EXIT_USAGE if exc.code else EXIT_PASSED
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"grader: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("grader: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

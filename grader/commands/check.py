"""`grader check [PATH] [EXERCISE ...]`: grade one submission and report."""
from __future__ import annotations

import os
from pathlib import Path

from grader.commands.common import EXIT_FAILED, EXIT_PASSED, UsageError, add_language_option


def register(sub) -> None:
    parser = sub.add_parser("check", help="check a submission folder (default ./exercises)")
    parser.add_argument("targets", nargs="*", metavar="[PATH] [EXERCISE]",
                        help="the submission folder, then optionally exercise ids (case-insensitive)")
    parser.add_argument("--format", choices=("rich", "json"), default="rich")
    parser.add_argument("--output", metavar="FILE", help="write the report to FILE")
    add_language_option(parser)
    parser.add_argument("--seed", type=int, default=None,
                        help="seed for the random inputs (default 0, or $GRADER_SEED)")
    parser.add_argument("--min-score", type=float, help="exit 0 when the score reaches this")
    add_limit_options(parser)
    parser.set_defaults(func=run)


def add_limit_options(parser) -> None:
    parser.add_argument("--timeout", type=positive_seconds, metavar="SECONDS",
                        help="time budget per exercise (default 60; MNIST training 300)")
    parser.add_argument("--memory-mb", type=int, metavar="N",
                        help="address-space limit of the process running student code (default 2048)")


def positive_seconds(text: str) -> float:
    import argparse
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0 seconds")
    return value


def budgets_from(args):
    """Budgets from --timeout / --memory-mb; a per-exercise timeout also caps MNIST training."""
    from grader.runner import Budgets
    from grader.session import Limits
    budgets = Budgets()
    if args.timeout is not None:
        budgets.exercise = args.timeout
        budgets.training = args.timeout
    if args.memory_mb is not None:
        if args.memory_mb < 256:
            raise UsageError("--memory-mb must be at least 256 (numpy alone needs about 100 MB)")
        budgets.limits = Limits(memory_mb=args.memory_mb)
    return budgets


def split_targets(targets: list[str]) -> tuple[Path, list[str]]:
    """The path is optional and comes first; exercise ids match case-insensitively."""
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


def seed_from(args) -> int:
    if args.seed is not None:
        return args.seed
    raw = os.environ.get("GRADER_SEED", "").strip()
    if not raw:
        return 0
    try:
        return int(raw)
    except ValueError:
        raise UsageError(f"GRADER_SEED must be an integer, not {raw!r}") from None


def run(args) -> int:
    from grader.checks.context import Settings
    from grader.messages import choose_language
    from grader.report import write_report
    from grader.runner import SubmissionError, run as run_checks

    lang = choose_language(args.lang)
    path, ids = split_targets(args.targets)
    try:
        report = run_checks(path, ids or None, Settings(seed=seed_from(args)), budgets_from(args))
    except SubmissionError as exc:
        raise UsageError(str(exc)) from None
    write_report(report, args.format, args.output, lang)
    if args.min_score is not None:
        return EXIT_PASSED if report.score >= args.min_score else EXIT_FAILED
    return EXIT_PASSED if report.passed else EXIT_FAILED

"""`grader check [PATH] [EXERCISE ...]`: grade one submission and report."""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from grader.commands.common import (EXIT_FAILED, EXIT_PASSED, UsageError, add_language_option,
                                    default_submission, tr, writable_file,
                                    writable_folder, written)


def register(sub) -> None:
    parser = sub.add_parser("check", help=tr("cli.check"),
                            description=tr("cli.check.description"))
    parser.add_argument("targets", nargs="*", metavar="[PATH] [EXERCISE]",
                        help=tr("cli.check.targets"))
    parser.add_argument("--format", choices=("rich", "json", "junit"), default="rich",
                        help=tr("cli.check.format"))
    parser.add_argument("--output", metavar="FILE", help=tr("cli.check.output"))
    add_language_option(parser)
    parser.add_argument("--seed", type=int, default=None,
                        help=tr("cli.check.seed"))
    parser.add_argument("--min-score", type=float, help=tr("cli.check.min_score"))
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help=tr("cli.check.config"))
    # `grader grade` passes this when the instructor has no configuration: defaults, and no
    # search next to the submission (a file planted among the submissions must not count).
    parser.add_argument("--no-config", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--plot", type=Path, metavar="DIR",
                        help=tr("cli.check.plot"))
    add_limit_options(parser)
    parser.set_defaults(func=run)


def add_limit_options(parser) -> None:
    parser.add_argument("--timeout", type=positive_seconds, metavar="SECONDS",
                        help=tr("cli.check.timeout"))
    parser.add_argument("--memory-mb", type=int, metavar="N",
                        help=tr("cli.check.memory"))
    parser.add_argument("--sandbox", choices=("auto", "require", "off"), default=None,
                        help=tr("cli.check.sandbox"))
    parser.add_argument("--no-cache", action="store_true", help=tr("cli.check.no_cache"))


def positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0 seconds")
    return value


def split_targets(targets: list[str]) -> tuple[Path, list[str]]:
    """The path is optional and comes first; exercise ids match case-insensitively."""
    from grader import catalog
    path = default_submission()
    rest = list(targets)
    if rest and (catalog.find(rest[0]) is None or Path(rest[0]).is_dir()):
        path = Path(rest.pop(0))
    ids = []
    for name in rest:
        exercise = catalog.find(name)
        if exercise is None:
            raise UsageError("err.unknown_exercise", name=name, exercises=", ".join(catalog.ORDER))
        ids.append(exercise.id)
    return path, ids


def load_config(args, submission: Path | None):
    from grader.config import Config, ConfigError, load
    if getattr(args, "no_config", False):
        return Config()
    try:
        return load(args.config, submission)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def seed_from(args, config) -> int:
    """--seed, else $GRADER_SEED, else the configuration, else 0."""
    if args.seed is not None:
        seed = args.seed
    elif os.environ.get("GRADER_SEED", "").strip():
        raw = os.environ["GRADER_SEED"].strip()
        try:
            seed = int(raw)
        except ValueError:
            raise UsageError("err.seed_env", value=raw) from None
    else:
        seed = config.seed if config.seed is not None else 0
    if not 0 <= seed < 2**32:
        raise UsageError("err.seed_range", seed=seed)
    return seed


def settings_from(args, config, progress=None):
    from grader.settings import Settings
    settings = Settings(seed=seed_from(args, config), progress=progress)
    if config.mnist_target is not None:
        settings.mnist_target = config.mnist_target
    if config.mnist_max_iterations is not None:
        settings.mnist_max_iterations = config.mnist_max_iterations
    return settings


def budgets_from(args, config):
    """The configuration's limits, then --timeout / --memory-mb over them."""
    from grader.settings import Budgets, Limits
    budgets = Budgets()
    budgets.exercise = config.timeout or budgets.exercise
    budgets.training = config.training_timeout or budgets.training
    budgets.run = config.run_timeout or budgets.run
    memory = config.memory_mb or budgets.limits.memory_mb
    if getattr(args, "timeout", None) is not None:
        budgets.exercise = args.timeout  # MNIST training keeps its own budget (training_timeout)
    if getattr(args, "memory_mb", None) is not None:
        if args.memory_mb < 256:
            raise UsageError("err.memory_low")
        memory = args.memory_mb
    budgets.limits = Limits(memory_mb=memory, sandbox=getattr(args, "sandbox", None))
    return budgets


def run(args) -> int:
    from grader.messages import choose_language
    from grader.report import github, write_report

    lang = choose_language(args.lang)
    path, ids = split_targets(args.targets)
    # Where the results go is checked before the grading, not found wrong after it.
    if args.output:
        writable_file(args.output)
    if args.plot is not None:
        writable_folder(args.plot)
    config = load_config(args, path)
    report = None
    if not args.no_cache:
        from grader.verdicts import report_if_unchanged
        report = report_if_unchanged(path, ids, settings_from(args, config), budgets_from(args, config),
                                     config.points, config.files)
    if report is None:
        report = _grade(path, ids, args, config, lang)
    try:
        write_report(report, args.format, args.output, lang)
    except OSError as exc:
        raise written(args.output or "-", exc) from None
    if args.plot is not None:
        try:
            _plot(report, args.plot, lang)
        except OSError as exc:
            raise written(args.plot, exc) from None
    # Annotations are workflow commands on stdout, unless a machine format is being written there.
    github.publish(report, lang, to_stdout=args.format == "rich" or bool(args.output))
    if args.min_score is not None:
        return EXIT_PASSED if report.score >= args.min_score else EXIT_FAILED
    return EXIT_PASSED if report.passed else EXIT_FAILED


def _grade(path: Path, ids: list, args, config, lang: str, preload=None):
    """Grade in workers, with a live progress bar on a terminal."""
    from grader import plan as planning
    from grader.plan import SubmissionError

    settings, budgets = settings_from(args, config), budgets_from(args, config)
    workers = None
    try:
        plan = planning.make(path, ids or None, settings, budgets, config.points, config.files,
                             cache=not args.no_cache)
        # The workers boot (the MNIST run's on the second core) while the rest is imported here.
        workers = planning.start_workers(plan, budgets.limits)
        live = args.format == "rich" and not args.output
        if preload is None:
            from grader.report import preload
        # what renders the verdicts is imported before any student code runs
        preload(args.format, lang, plot=args.plot is not None, live=live)
        from grader.runner import run as run_checks
        progress = None
        if live:
            from grader.report.live import LiveProgress
            progress = LiveProgress(lang, len(plan.selected))
            settings.progress = progress
        with progress if progress is not None else _nothing():
            return run_checks(path, ids or None, settings, budgets,
                              on_result=progress.exercise_done if progress else None,
                              points=config.points, files=config.files, cache=not args.no_cache,
                              plan=plan, workers=workers)
    except SubmissionError as exc:   # the run's and the early workers' (grader.plan) alike
        raise UsageError(exc.key, **exc.params) from None
    finally:
        if workers is not None:
            workers.close()


def _plot(report, folder: Path, lang: str) -> None:
    import sys

    from grader.messages import say
    from grader.graph.svg import write_graphs
    from grader.plots import PlotUnavailable, write_plots
    files = write_graphs(report, folder, lang)     # SVG from the standard library: always
    try:
        files += write_plots(report, folder, lang)
    except PlotUnavailable:
        print(f"grader: {say('ui.plot_needs_matplotlib', lang)}", file=sys.stderr)
    if files:
        print(say("ui.plot_saved", lang, files=", ".join(str(f) for f in files)), file=sys.stderr)


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

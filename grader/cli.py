"""The `grader` command: parse arguments, hand over to the chosen command, map errors to exit codes.

Heavy modules (numpy, rich, the checks) are imported inside the commands, so that `grader --help`
answers at once.
"""
from __future__ import annotations

import argparse
import functools
import importlib
import os
import re
import sys
from typing import NoReturn

from grader.commands import common
from grader.commands.common import EXIT_PASSED, EXIT_USAGE, UsageError, tr

# Each name is a module in grader/commands/ with register(subparsers).
COMMANDS = ("check", "list", "hint", "watch", "init", "reset", "grade", "gradebook", "dev")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or with `only` the one command about to run: importing every
    command's module costs `grader check` a few hundredths of a second before its worker starts."""
    parser = argparse.ArgumentParser(
        prog="grader",
        description=tr("cli.description"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        if only is None or name == only:
            importlib.import_module(f"grader.commands.{name}").register(sub)
    parser.set_defaults(_commands=sub.choices)
    _localize(parser)
    return parser


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, tr("cli.usage") + " " if prefix is None else prefix)


# argparse's complaints (CPython ships them untranslated, in English): the message key cli.err.<kind>.
_ARGPARSE_ERRORS = (
    (re.compile(r"unrecognized arguments: (?P<args>.*)"), "unrecognized"),
    (re.compile(r"the following arguments are required: (?P<args>.*)"), "required"),
    (re.compile(r"argument (?P<argument>\S+): invalid choice: (?P<value>.*?) \(choose from (?P<choices>.*)\)"),
     "choice"),
    (re.compile(r"argument (?P<argument>\S+): expected one argument"), "one_argument"),
    (re.compile(r"argument (?P<argument>\S+): invalid \S+ value: (?P<value>.*)"), "invalid_value"),
    (re.compile(r"argument (?P<argument>\S+): not allowed with argument (?P<other>\S+)"), "not_allowed"),
    (re.compile(r"argument (?P<argument>\S+): (?P<reason>.*)"), "argument"),
)


def _error(parser: argparse.ArgumentParser, message: str):
    """argparse's error(), in the help's language: usage, then one line, exit 2."""
    from grader.messages import say
    for pattern, kind in _ARGPARSE_ERRORS:
        match = pattern.fullmatch(message)
        if match:
            message = say("cli.err." + kind, common.HELP_LANGUAGE, **match.groupdict())
            break
    parser.print_usage(sys.stderr)
    parser.exit(2, f"{parser.prog}: {tr('cli.error')}: {message}\n")


def _localize(parser: argparse.ArgumentParser) -> None:
    """argparse's own words (usage, the section titles, -h) in the help's language."""
    parser.formatter_class = _Formatter
    if parser.usage is None:
        # Written out now: parse_intermixed_args cuts len("usage: ") off a usage it has to make.
        prefix = tr("cli.usage") + " "
        formatter = parser._get_formatter()
        formatter.add_usage(None, parser._actions, parser._mutually_exclusive_groups, prefix)
        parser.usage = formatter.format_help()[len(prefix):].rstrip("\n").replace("%", "%%")
    parser.error = functools.partial(_error, parser)
    parser._positionals.title = tr("cli.positionals")
    parser._optionals.title = tr("cli.options")
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            action.help = tr("cli.help")
        elif isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                _localize(command)


def parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """Options may sit anywhere among a command's positionals (`check PATH --seed 3 Affine`)."""
    commands = parser.get_default("_commands")
    if argv and argv[0] in commands:
        command = commands[argv[0]]
        try:
            return command.parse_intermixed_args(argv[1:])
        except TypeError:  # a command with sub-commands of its own (grader dev ...)
            return command.parse_args(argv[1:])
    return parser.parse_args(argv)


def _quiet_blas_threads() -> None:
    """One BLAS thread in the grader itself: its matrices are small, and idle OpenBLAS threads
    spin on the core the worker needs (measured: MNIST training 4.1 s -> 3.0 s). Must run before
    numpy is first imported."""
    from grader import BLAS_THREAD_VARIABLES
    for var in BLAS_THREAD_VARIABLES:
        os.environ.setdefault(var, "1")


def _language_of(argv: list[str]) -> str:
    """--lang as given anywhere on the line (help is printed before options are parsed)."""
    from grader.messages import choose_language
    for i, word in enumerate(argv):
        if word == "--lang" and i + 1 < len(argv):
            return choose_language(argv[i + 1])
        if word.startswith("--lang="):
            return choose_language(word.split("=", 1)[1])
    return choose_language(None)


def _language_first(argv: list[str]) -> list[str]:
    """`grader --lang ko list` as `grader list --lang ko`: the language may come before the command."""
    if argv[:1] == ["--lang"] and len(argv) >= 2:
        given, rest = argv[:2], argv[2:]
    elif argv and argv[0].startswith("--lang="):
        given, rest = argv[:1], argv[1:]
    else:
        return argv
    return rest + given if rest and not rest[0].startswith("-") else rest


def _private_memory() -> None:
    """No process of this uid may read this one's memory or environment through /proc or ptrace
    (the workers are walled off already; this holds even where their sandbox is incomplete)."""
    if sys.platform == "linux":
        try:
            from grader.sandbox import linux
            linux.prctl(linux.PR_SET_DUMPABLE, 0)
        except OSError:
            pass


def run() -> None:
    """The `grader` command: main(), then leave()."""
    leave(main())


def leave(code: int) -> NoReturn:
    """End the process with `code` once its buffered output is flushed, skipping the interpreter's
    teardown of every module (25-35 ms after a check, measured; this takes under 10). Nothing is
    left for it to do: every file the grader writes is closed where it is written, the workers and
    the fork server are ended by the commands themselves, and the one atexit handler registered
    (logging's shutdown) has no handler to flush, as the grader configures none."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):   # a closed or broken pipe: nothing more can be said
            pass
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    _quiet_blas_threads()
    _private_memory()
    from grader.report.console import never_fail
    never_fail()  # a cp932 or cp1252 console: a character it cannot show is never a crash
    argv = sys.argv[1:] if argv is None else list(argv)
    common.HELP_LANGUAGE = _language_of(argv)
    argv = _language_first(argv)
    # The command is the first word, as parse() reads it; anything else (help, a typo) needs all.
    parser = build_parser(argv[0] if argv and argv[0] in COMMANDS else None)
    try:
        args = parse(parser, argv)
    except SystemExit as exc:  # argparse has already printed why (or the help)
        return EXIT_USAGE if exc.code else EXIT_PASSED
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.func(args)
    except UsageError as exc:
        from grader.messages import choose_language
        print(f"grader: {exc.render(choose_language(getattr(args, 'lang', None)))}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # a file a command had to write or read: one line, not a traceback
        from grader.messages import choose_language, say
        where = exc.filename or getattr(args, "output", None) or "?"
        print(f"grader: {say('err.cannot_use', choose_language(getattr(args, 'lang', None)), path=where, reason=exc.strerror or exc)}",
              file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        from grader.messages import choose_language, say
        print(f"grader: {say('ui.interrupted', choose_language(getattr(args, 'lang', None)))}", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

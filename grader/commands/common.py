"""What every command shares: exit codes, the usage error, the language option."""
from __future__ import annotations

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """The command itself cannot run: a bad path or option (exit code 2)."""


def add_language_option(parser) -> None:
    parser.add_argument("--lang", choices=("ja", "en"),
                        help="language of the output (default: from LANG / LC_ALL / LANGUAGE)")

"""What every command shares: exit codes, the usage error, the language option."""
from __future__ import annotations

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

# The language of --help, chosen by cli.main before the parser is built.
HELP_LANGUAGE = "en"


def tr(key: str) -> str:
    from grader.messages import say
    return say(key, HELP_LANGUAGE)


class UsageError(Exception):
    """The command itself cannot run: a bad path or option (exit code 2).

    Made with a message key of grader.messages (and its values) it is shown in the reader's
    language; made with any other text, as that text.
    """

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = key
        self.params = params

    def render(self, lang: str) -> str:
        from grader.messages import MESSAGES, say
        return say(self.key, lang, **self.params) if self.key in MESSAGES else self.key


def add_language_option(parser) -> None:
    parser.add_argument("--lang", choices=("ja", "en"),
                        help=tr("cli.lang"))


def submission_folder(path):
    """The checked, resolved submission folder, or the reason it cannot be graded (exit 2)."""
    from grader.runner import SubmissionError, validate_submission
    try:
        return validate_submission(path)
    except SubmissionError as exc:
        raise UsageError(exc.key, **exc.params) from None


def default_submission():
    """./exercises, or the current folder when it is itself a submission (`cd exercises; grader check`)."""
    from pathlib import Path
    here = Path(".")
    if not Path("exercises").is_dir() and (here / "layers.py").is_file():
        return here
    return Path("exercises")

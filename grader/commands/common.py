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


def language(value: str) -> str:
    """--lang: ja, en, ko, zh, or any alias of them (ko_KR, zh-CN, ja_JP.UTF-8)."""
    import argparse
    from grader import i18n
    code = i18n.normalize(value)
    if code is None:
        from grader.messages import say
        raise argparse.ArgumentTypeError(say("err.unknown_language", HELP_LANGUAGE, name=value,
                                             languages=", ".join(i18n.languages())))
    return code


def add_language_option(parser) -> None:
    from grader import i18n
    parser.add_argument("--lang", type=language, metavar="{" + ",".join(i18n.languages()) + "}",
                        help=tr("cli.lang"))


def submission_folder(path):
    """The checked, resolved submission folder, or the reason it cannot be graded (exit 2)."""
    from grader.plan import SubmissionError, validate_submission
    try:
        return validate_submission(path)
    except SubmissionError as exc:
        raise UsageError(exc.key, **exc.params) from None


def writable_file(path) -> None:
    """Refuse, before any grading, an output file that could not be written: its folder is
    missing (or is a file), it is a folder itself, or it cannot be written."""
    import os
    from pathlib import Path
    path = Path(path)
    folder = path.parent
    if path.is_dir():
        raise UsageError("err.output_is_folder", path=str(path))
    if not folder.is_dir():
        raise UsageError("err.output_no_folder", path=str(path), folder=str(folder))
    if not os.access(path if path.exists() else folder, os.W_OK):
        raise UsageError("err.cannot_write", path=str(path), reason=os.strerror(13))


def writable_folder(path) -> None:
    """Refuse, before any grading, a folder to write into that is a file, or lies under one, or
    under a folder that cannot be written (it is created when needed)."""
    import os
    from pathlib import Path
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise UsageError("err.plot_not_folder", path=str(path))
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise UsageError("err.output_no_folder", path=str(path), folder=str(existing))
    if not os.access(existing, os.W_OK):
        raise UsageError("err.cannot_write", path=str(path), reason=os.strerror(13))


def written(path, error: OSError) -> UsageError:
    """An OSError met while writing `path`, as the one line the command ends with (exit 2)."""
    return UsageError("err.cannot_write", path=str(getattr(error, "filename", None) or path),
                      reason=error.strerror or str(error))


def default_submission():
    """./exercises, or the current folder when it is itself a submission (`cd exercises; grader check`,
    or `cd deep-learning-from-scratch/ch05; grader check`)."""
    from pathlib import Path
    here = Path(".")
    if not Path("exercises").is_dir() and any((here / f).is_file() for f in ("layers.py", "layer_naive.py")):
        return here
    return Path("exercises")

"""`grader init DIR`: fresh stubs in a new folder. Nothing that exists is ever overwritten."""
from __future__ import annotations

import os
from pathlib import Path

from grader.commands.common import EXIT_PASSED, UsageError, add_language_option, tr
from grader.commands.files import create_new


def register(sub) -> None:
    parser = sub.add_parser("init", help=tr("cli.init"))
    parser.add_argument("target", type=Path, metavar="DIR")
    add_language_option(parser)
    parser.set_defaults(func=run)


def stubs_dir() -> Path:
    """The stubs shipped in the wheel, or the repository's exercises/ in a source checkout."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_data" / "exercises", here.parent / "exercises"):
        if (candidate / "layers.py").is_file():
            return candidate
    raise UsageError("err.no_stubs")


def run(args) -> int:
    from grader.messages import choose_language, say
    from grader.stubs import SUBMISSION_FILES

    lang = choose_language(args.lang)
    source = stubs_dir()
    # lexists: a dangling link is a name taken too (writing through it would land elsewhere).
    clashes = [name for name in SUBMISSION_FILES if os.path.lexists(args.target / name)]
    if clashes:
        raise UsageError("err.init_exists", path=str(args.target), files=", ".join(clashes))
    args.target.mkdir(parents=True, exist_ok=True)
    for name in SUBMISSION_FILES:
        try:
            create_new(args.target / name, (source / name).read_text(encoding="utf-8"))
        except FileExistsError:  # appeared since the look above
            raise UsageError("err.init_exists", path=str(args.target), files=name) from None
    print(say("ui.init_done", lang, path=str(args.target)))
    return EXIT_PASSED

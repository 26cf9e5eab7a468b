"""`grader init DIR`: fresh stubs in a new folder. Nothing that exists is ever overwritten."""
from __future__ import annotations

import shutil
from pathlib import Path

from grader.commands.common import EXIT_PASSED, UsageError, add_language_option, tr


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
    clashes = [name for name in SUBMISSION_FILES if (args.target / name).exists()]
    if clashes:
        raise UsageError("err.init_exists", path=str(args.target), files=", ".join(clashes))
    args.target.mkdir(parents=True, exist_ok=True)
    for name in SUBMISSION_FILES:
        shutil.copyfile(source / name, args.target / name)
    print(say("ui.init_done", lang, path=str(args.target)))
    return EXIT_PASSED

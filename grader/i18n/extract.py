"""Every message key the grader's code uses, found by reading the code, and the catalogs checked
against them.

    python -m grader.i18n.extract            # writes grader.pot, lists what each catalog lacks
    python -m grader.i18n.extract --check    # the same, exit 1 if anything is missing or unused

A key is used where it is the first argument of a call that takes one (`say("ui.score", ...)`,
`Message("wrong_shape", {...})`, `UsageError("err.no_folder", ...)`), either branch of a
conditional there, or a family built at run time (`"state." + state.value`), whose members are
listed in families().
"""
from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

from grader.i18n import DOMAIN, FALLBACK, LOCALE_DIR, PLURAL_COUNT, catalog_name, languages
from grader.i18n import po

PACKAGE = Path(__file__).resolve().parent.parent

# Callables whose first argument is a message key.
TAKERS = {"say", "tr", "Message", "UsageError", "SubmissionError", "SourceProblem", "SnapshotError",
          "Localized", "_t", "template"}


# What a message key looks like; any other text handed to a taker is a sentence nobody translates.
KEY = re.compile(r"^[a-z][a-z0-9_]*(?:\.[A-Za-z0-9_]+)*$")

# The maintainer's own commands (grader dev) speak English only: they are for whoever keeps the
# course, who reads the code too.
ENGLISH_ONLY = ("grader/commands/dev.py",)

PLURAL_FORMS = {
    "en": "nplurals=2; plural=(n != 1);",
    "ja": "nplurals=1; plural=0;",
    "ko": "nplurals=1; plural=0;",
    "zh_CN": "nplurals=1; plural=0;",
    "zh_TW": "nplurals=1; plural=0;",
}


def families() -> dict[str, tuple[str, ...]]:
    """Keys made at run time from a prefix and a value: the values each prefix can take."""
    from grader.cli import _ARGPARSE_ERRORS
    from grader.graph.figures import FIGURES
    from grader.plots import LABELS
    from grader.results import State
    return {
        "cli.err.": tuple(kind for _, kind in _ARGPARSE_ERRORS),
        "state.": tuple(s.value for s in State),
        "ui.layout.": ("flat", "book", "course"),
        "ui.apple.": ("function", "script", "wired"),
        "plot.": LABELS,
        "graph.figure.": tuple(FIGURES),
    }


def header_for(lang: str) -> dict[str, str]:
    name = catalog_name(lang)
    return {"Project-Id-Version": "backprop-grader", "Language": name,
            "MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": PLURAL_FORMS.get(name, "nplurals=2; plural=(n != 1);")}


def _keys_in(node: ast.expr) -> tuple[list[str], list[str]]:
    """(keys, family prefixes) an argument expression can evaluate to."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value], []
    if isinstance(node, ast.IfExp):
        a, b = _keys_in(node.body), _keys_in(node.orelse)
        return a[0] + b[0], a[1] + b[1]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.left, ast.Constant):
        return [], [str(node.left.value)]
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return [], [str(node.values[0].value)]
    return [], []


def key_taking_classes(trees) -> set[str]:
    """Classes made with a message key (`class RosterError(Exception): def __init__(self, key, ...)`):
    whoever adds one is not asked to list it here."""
    found = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if (isinstance(item, ast.FunctionDef) and item.name == "__init__"
                            and len(item.args.args) > 1 and item.args.args[1].arg == "key"):
                        found.add(node.name)
    return found


def used_keys(package: Path = PACKAGE) -> tuple[dict[str, list[str]], dict[str, list[str]],
                                                 dict[str, list[str]]]:
    """{key: [file:line, ...]} for every key the code uses; {prefix: [file:line]} for every
    family prefix that families() does not list (each one a key nobody could check); and
    {text: [file:line]} for sentences handed over where a key belongs (never translated)."""
    used: dict[str, list[str]] = {}
    unknown: dict[str, list[str]] = {}
    sentences: dict[str, list[str]] = {}
    family = families()
    trees = {}
    for path in sorted(package.rglob("*.py")):
        if "i18n" not in path.relative_to(package).parts:
            trees[path] = ast.parse(path.read_text(encoding="utf-8"), str(path))
    takers = TAKERS | key_taking_classes(trees.values())
    for path, tree in trees.items():
        where_file = str(path.relative_to(package.parent))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in takers:
                continue
            keys, prefixes = _keys_in(node.args[0])
            where = f"{where_file}:{node.lineno}"
            for key in keys:
                if KEY.match(key):
                    used.setdefault(key, []).append(where)
                elif where_file not in ENGLISH_ONLY:
                    sentences.setdefault(key, []).append(where)
            for prefix in prefixes:
                if prefix in family:
                    for value in family[prefix]:
                        used.setdefault(prefix + value, []).append(where)
                elif where_file not in ENGLISH_ONLY:
                    unknown.setdefault(prefix, []).append(where)
    return used, unknown, sentences


def catalog_path(lang: str) -> Path:
    return LOCALE_DIR / catalog_name(lang) / "LC_MESSAGES" / f"{DOMAIN}.po"


def english() -> dict[str, po.Entry]:
    return {e.msgid: e for e in po.read(catalog_path(FALLBACK))[1]}


def with_english_notes(entries: list[po.Entry], lang: str) -> list[po.Entry]:
    """Each entry of a non-English catalog carries the English text as its extracted comment,
    so a translator sees the sentence, not only its key."""
    if lang == FALLBACK or not catalog_path(FALLBACK).exists():
        return entries
    source = english()
    for entry in entries:
        if entry.msgid in source:
            en = source[entry.msgid].msgstr
            entry.notes = [f"en: {line}" for line in en[-1].splitlines()] if en else []
    return entries


def pot(used: dict[str, list[str]]) -> str:
    source = english() if catalog_path(FALLBACK).exists() else {}
    entries = []
    for key in sorted(used):
        entry = po.Entry(msgid=key)
        if key in source:
            entry.notes = [f"en: {line}" for line in source[key].msgstr[-1].splitlines()]
            entry.flags = [f for f in source[key].flags if f != "fuzzy"]
        entry.notes += [f"used at {where}" for where in used[key][:3]]
        if key in PLURAL_COUNT:
            entry.msgid_plural = key
            entry.msgstr = ["", ""]
            entry.notes.append(f"plural: counted by {{{PLURAL_COUNT[key]}}}")
        entries.append(entry)
    header = header_for("en")
    header["Language"] = ""
    return po.format_po(header, entries, comment="Message keys of backprop-grader: the template "
                        "for a new catalog (python -m grader.i18n.extract).")


def catalog_keys(lang: str) -> set[str]:
    path = catalog_path(lang)
    return {e.msgid for e in po.read(path)[1] if e.translated} if path.exists() else set()


def used_everywhere() -> set[str]:
    """What every catalog must hold: the keys the code uses plus the exercises' titles and hints."""
    from grader import catalog
    used = set(used_keys()[0])
    for exercise in catalog.EXERCISES:
        used.add(exercise.title.key)
        used |= {hint.key for hint in exercise.hints}
    return used


def main(argv: list[str]) -> int:
    used, unknown, sentences = used_keys()
    needed = used_everywhere()
    out = Path(__file__).resolve().parent / f"{DOMAIN}.pot"
    if "--check" not in argv:
        out.write_text(pot({k: used.get(k, ["grader/catalog.py"]) for k in needed}), encoding="utf-8")
        print(f"{out}: {len(needed)} keys")
    bad = False
    for prefix, where in unknown.items():
        print(f"a key built from {prefix!r} at {where[0]}: list its values in families()", file=sys.stderr)
        bad = True
    for sentence, where in sentences.items():
        print(f"untranslated text at {where[0]}: {sentence[:60]!r}: give it a message key", file=sys.stderr)
        bad = True
    for lang in languages():
        have = catalog_keys(lang)
        missing = sorted(needed - have)
        unused = sorted(have - needed)
        if missing:
            bad = True
            print(f"{lang}: {len(missing)} missing: {', '.join(missing)}", file=sys.stderr)
        if unused:
            bad = True
            print(f"{lang}: {len(unused)} no longer used: {', '.join(unused)}", file=sys.stderr)
        if not missing and not unused:
            print(f"{lang}: all {len(needed)} keys")
    return 1 if bad and "--check" in argv else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

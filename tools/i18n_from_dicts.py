"""Carry Japanese and English sentences from the old hand-written dicts into the .po catalogs.

Before the catalogs, every sentence lived in `MESSAGES` of grader/messages.py ({key: {"ja", "en"}})
and the exercises' titles and hints in grader/catalog.py. This reads those dicts from a file or a
git revision, without importing them, and adds every key the catalogs lack (existing entries are
kept: catalogs win). Used once for the migration, and again for any branch that still adds keys
the old way:

    python tools/i18n_from_dicts.py                       # the working tree's files
    python tools/i18n_from_dicts.py --rev main            # what main holds now
    python tools/i18n_from_dicts.py --file new.py --overwrite   # MESSAGES in any languages

In a --file, a message with a count may give a list of plural forms for a language.
"""
from __future__ import annotations

import argparse
import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.i18n import LOCALE_DIR, PLURAL_COUNT, catalog_name  # noqa: E402
from grader.i18n import po  # noqa: E402
from grader.i18n.extract import header_for, with_english_notes  # noqa: E402


def source(relative: str, rev: str | None) -> str:
    if rev is None:
        return (ROOT / relative).read_text(encoding="utf-8")
    return subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:{relative}"], check=True,
                          capture_output=True, text=True).stdout


def old_messages(text: str) -> dict[str, dict[str, str]]:
    for node in ast.parse(text).body:
        target = getattr(node, "target", None) or (node.targets[0] if isinstance(node, ast.Assign) else None)
        if isinstance(target, ast.Name) and target.id == "MESSAGES" and node.value is not None:
            return ast.literal_eval(node.value)
    return {}


def old_exercise_texts(text: str) -> dict[str, dict[str, str]]:
    """title.<id> and hint.<id>.<n> from Exercise(...) calls whose texts are still dicts."""
    found: dict[str, dict[str, str]] = {}
    for node in ast.walk(ast.parse(text)):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Exercise"):
            continue
        ident = ast.literal_eval(node.args[0])
        if len(node.args) > 2 and isinstance(node.args[2], ast.Dict):
            found[f"title.{ident}"] = ast.literal_eval(node.args[2])
        for keyword in node.keywords:
            if keyword.arg == "hints" and isinstance(keyword.value, ast.Tuple):
                for n, hint in enumerate(keyword.value.elts, 1):
                    if isinstance(hint, ast.Dict):
                        found[f"hint.{ident}.{n}"] = ast.literal_eval(hint)
    return found


def merge(texts: dict[str, dict], lang: str, overwrite: bool = False) -> list[str]:
    path = LOCALE_DIR / catalog_name(lang) / "LC_MESSAGES" / "grader.po"
    if path.exists():
        header, entries = po.read(path)
    else:
        header, entries = header_for(lang), []
    have = {e.msgid: e for e in entries}
    nplurals = po.plural_count(header)
    added = []
    for key, by_lang in texts.items():
        if lang not in by_lang or (key in have and not overwrite):
            continue
        value = by_lang[lang]
        forms = list(value) if isinstance(value, (list, tuple)) else [value]
        entry = have.get(key) or po.Entry(msgid=key)
        entry.msgstr = forms[:1]
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
        if key in PLURAL_COUNT:   # a single form stands for every form, to be edited
            entry.msgid_plural = key
            entry.msgstr = (forms + [forms[-1]] * nplurals)[:nplurals]
        if key not in have:
            entries.append(entry)
        added.append(key)
    if added:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(po.format_po(header, with_english_notes(entries, lang)), encoding="utf-8")
    return added


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", help="read the dicts from this git revision instead of the working tree")
    parser.add_argument("--file", help="read MESSAGES = {key: {lang: text}} from this file instead")
    parser.add_argument("--overwrite", action="store_true", help="replace translations the catalogs hold")
    args = parser.parse_args(argv)
    if args.file:
        texts = old_messages(Path(args.file).read_text(encoding="utf-8"))
    else:
        texts = old_messages(source("grader/messages.py", args.rev))
        texts.update(old_exercise_texts(source("grader/catalog.py", args.rev)))
    langs = sorted({lang for by_lang in texts.values() for lang in by_lang}, key=lambda l: l != "en")
    for lang in langs:   # English first: the other catalogs' notes quote it
        added = merge(texts, lang, args.overwrite)
        print(f"{lang}: {len(added)} added" + (f" ({', '.join(added)})" if added else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())

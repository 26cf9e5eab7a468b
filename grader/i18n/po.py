"""Read and write gettext .po files and compile them to .mo, with the standard library only.

The .po files beside this module are the sources translators edit (with Poedit, Lokalize, Weblate,
or a text editor); the .mo files are what `gettext` reads at run time. `python -m grader.i18n.po`
compiles every catalog (tests/test_catalogs.py proves the committed .mo files are up to date).
"""
from __future__ import annotations

import ast
import re
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

MAGIC = 0x950412DE


class PoError(ValueError):
    """A .po file that cannot be compiled: says the file and line."""


@dataclass
class Entry:
    msgid: str
    msgstr: list[str] = field(default_factory=lambda: [""])   # one per plural form
    msgid_plural: str | None = None
    msgctxt: str | None = None
    comments: list[str] = field(default_factory=list)   # translator comments (# ...)
    notes: list[str] = field(default_factory=list)      # extracted comments (#. ...)
    flags: list[str] = field(default_factory=list)      # #, fuzzy, python-brace-format

    @property
    def translated(self) -> bool:
        return "fuzzy" not in self.flags and all(self.msgstr) and bool(self.msgstr)


def _unquote(token: str, where: str) -> str:
    token = token.strip()
    if len(token) < 2 or token[0] != '"' or token[-1] != '"':
        raise PoError(f"{where}: expected a quoted string, found {token[:40]!r}")
    try:
        # A C string and a Python string literal escape the same characters (\n \t \" \\).
        return ast.literal_eval(token)
    except (SyntaxError, ValueError):
        raise PoError(f"{where}: bad string {token[:40]!r}") from None


def parse(text: str, name: str = "<po>") -> tuple[dict[str, str], list[Entry]]:
    """The header (as a dict) and the entries of a .po file; raises PoError on a malformed one."""
    entries: list[Entry] = []
    current: Entry | None = None
    field_name: str | None = None          # which field a continuation line extends
    pending = Entry(msgid="")              # comments seen before the next msgid

    def finish():
        nonlocal current
        if current is not None:
            if current.msgid_plural is not None and len(current.msgstr) < 1:
                raise PoError(f"{name}: {current.msgid!r} has no msgstr[0]")
            entries.append(current)
        current = None

    def target(fld: str, value: str, where: str):
        nonlocal current, pending
        if fld in ("msgctxt", "msgid"):
            continues_context = fld == "msgid" and field_name == "msgctxt"
            if not continues_context:
                finish()
                current = Entry(msgid="", msgstr=[], comments=pending.comments, notes=pending.notes,
                                flags=pending.flags)
                pending = Entry(msgid="")
            setattr(current, fld, value)
            return
        if current is None:
            raise PoError(f"{where}: {fld} before any msgid")
        if fld == "msgid_plural":
            current.msgid_plural = value
        elif fld == "msgstr":
            if current.msgstr:  # a second msgstr (a merge left one behind) must not win silently
                raise PoError(f"{where}: a second msgstr for {current.msgid!r}")
            current.msgstr = [value]
        else:   # msgstr[n]
            index = int(fld[7:-1])
            if index != len(current.msgstr):
                raise PoError(f"{where}: msgstr[{index}] out of order")
            current.msgstr.append(value)

    keyword = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr\[\d+\]|msgstr)\s+(".*")\s*$')
    for number, raw in enumerate(text.splitlines(), 1):
        where = f"{name}:{number}"
        line = raw.strip()
        if not line:
            field_name = None
            continue
        if line.startswith("#~"):
            continue   # obsolete entries are kept for translators, never compiled
        if line.startswith("#"):
            if current is not None and field_name is not None:
                finish()
                field_name = None
            if line.startswith("#,"):
                pending.flags += [f.strip() for f in line[2:].split(",") if f.strip()]
            elif line.startswith("#."):
                pending.notes.append(line[2:].strip())
            elif line.startswith(("#:", "#|")):
                pass
            else:
                pending.comments.append(line[1:].strip())
            continue
        if line.startswith('"'):
            if current is None or field_name is None:
                raise PoError(f"{where}: a string continues nothing")
            value = _unquote(line, where)
            if field_name == "msgid_plural":
                current.msgid_plural += value
            elif field_name.startswith("msgstr"):
                current.msgstr[-1] += value
            else:
                setattr(current, field_name, getattr(current, field_name) + value)
            continue
        match = keyword.match(line)
        if match is None:
            raise PoError(f"{where}: cannot read {line[:50]!r}")
        fld, value = match.group(1), _unquote(match.group(2), where)
        target(fld, value, where)
        field_name = fld
    finish()

    header: dict[str, str] = {}
    seen: set[tuple] = set()
    body = []
    for entry in entries:
        if not entry.msgstr:
            raise PoError(f"{name}: {entry.msgid!r} has no msgstr")
        ident = (entry.msgctxt, entry.msgid)
        if ident in seen:
            raise PoError(f"{name}: {entry.msgid!r} appears twice")
        seen.add(ident)
        if entry.msgid == "" and entry.msgctxt is None:
            for pair in entry.msgstr[0].splitlines():
                if ":" in pair:
                    key, _, value = pair.partition(":")
                    header[key.strip()] = value.strip()
            continue
        body.append(entry)
    return header, body


def read(path: Path) -> tuple[dict[str, str], list[Entry]]:
    return parse(Path(path).read_text(encoding="utf-8"), str(path))


def plural_count(header: dict[str, str]) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", header.get("Plural-Forms", ""))
    return int(match.group(1)) if match else 2


def compile_mo(header: dict[str, str], entries: list[Entry], name: str = "<po>") -> bytes:
    """The .mo bytes `gettext.GNUTranslations` reads: untranslated and fuzzy entries left out,
    as msgfmt does, so that a lookup falls back instead of finding an empty string."""
    nplurals = plural_count(header)
    pairs: dict[bytes, bytes] = {}
    head = "".join(f"{k}: {v}\n" for k, v in header.items())
    pairs[b""] = head.encode("utf-8")
    for entry in entries:
        if not entry.translated:
            continue
        if entry.msgid_plural is not None and len(entry.msgstr) != nplurals:
            raise PoError(f"{name}: {entry.msgid!r} has {len(entry.msgstr)} plural forms, "
                          f"the header says {nplurals}")
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is not None:
            key += "\0" + entry.msgid_plural
        pairs[key.encode("utf-8")] = "\0".join(entry.msgstr).encode("utf-8")

    keys = sorted(pairs)
    count = len(keys)
    originals_at = 7 * 4
    translations_at = originals_at + count * 8
    data_at = translations_at + count * 8
    tables = [[], []]
    blob = bytearray()
    for which, items in enumerate((keys, [pairs[k] for k in keys])):
        for item in items:
            tables[which].append((len(item), data_at + len(blob)))
            blob += item + b"\0"
    out = bytearray(struct.pack("<7I", MAGIC, 0, count, originals_at, translations_at, 0, data_at))
    for table in tables:
        for length, offset in table:
            out += struct.pack("<2I", length, offset)
    return bytes(out + blob)


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n")
    return f'"{escaped}"'


def _field(name: str, value: str) -> str:
    if "\n" in value[:-1]:   # several lines: one quoted line each, as msgmerge writes them
        parts = value.splitlines(keepends=True)
        return f'{name} ""\n' + "".join(_quote(p) + "\n" for p in parts)
    return f"{name} {_quote(value)}\n"


def format_po(header: dict[str, str], entries: list[Entry], comment: str = "") -> str:
    out = [f"# {line}".rstrip() + "\n" for line in comment.splitlines()]
    out.append('msgid ""\n')
    out.append(_field("msgstr", "".join(f"{k}: {v}\n" for k, v in header.items())))
    for entry in entries:
        out.append("\n")
        out += [f"# {c}".rstrip() + "\n" for c in entry.comments]
        out += [f"#. {n}".rstrip() + "\n" for n in entry.notes]
        if entry.flags:
            out.append("#, " + ", ".join(entry.flags) + "\n")
        if entry.msgctxt is not None:
            out.append(_field("msgctxt", entry.msgctxt))
        out.append(_field("msgid", entry.msgid))
        if entry.msgid_plural is not None:
            out.append(_field("msgid_plural", entry.msgid_plural))
            out += [_field(f"msgstr[{i}]", s) for i, s in enumerate(entry.msgstr)]
        else:
            out.append(_field("msgstr", entry.msgstr[0] if entry.msgstr else ""))
    return "".join(out)


def compile_file(po: Path) -> Path:
    header, entries = read(po)
    mo = po.with_suffix(".mo")
    mo.write_bytes(compile_mo(header, entries, str(po)))
    return mo


def sources(root: Path | None = None) -> list[Path]:
    root = Path(__file__).resolve().parent / "locale" if root is None else root
    return sorted(root.glob("*/LC_MESSAGES/*.po"))


def main(argv: list[str]) -> int:
    for po in sources(Path(argv[0]) if argv else None):
        try:
            print(compile_file(po))
        except PoError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

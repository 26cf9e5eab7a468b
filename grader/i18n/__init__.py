"""The grader's languages: gettext catalogs, found and loaded with the standard library.

`locale/<catalog>/LC_MESSAGES/grader.po` is the source a translator edits; the `.mo` beside it is
what runs (compiled by `python -m grader.i18n.po`). Message ids are keys (`wrong_shape`,
`ui.score`, `hint.Relu.2`), never sentences: the English catalog is a translation like the others
and the fallback for any message a catalog lacks. A course adds a language by adding a catalog.
"""
from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

DOMAIN = "grader"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
FALLBACK = "en"

# The codes `--lang` takes for the catalogs that ship, and the catalog each reads.
CATALOG_OF = {"ja": "ja", "en": "en", "ko": "ko", "zh": "zh_CN"}

# Messages with a count: the parameter that chooses the plural form (ngettext's n).
PLURAL_COUNT = {
    "ui.hint_more": "left",
    "ui.accuracy": "iterations",
    "accuracy_too_low": "iterations",
    "source_too_complex": "limit",
    "err.too_much_source": "files",
    "grade.done": "graded",
    "grade.shard": "count",
    "gradebook.done": "rows",
}

_ALIASES = {
    "jp": "ja", "japanese": "ja", "日本語": "ja",
    "english": "en", "c": "en", "posix": "en",
    "kr": "ko", "korean": "ko", "한국어": "ko",
    "cn": "zh", "chinese": "zh", "中文": "zh", "简体中文": "zh",
}


def languages() -> tuple[str, ...]:
    """The codes with a catalog: the four that ship, then any a course has added."""
    shipped = tuple(code for code, name in CATALOG_OF.items()
                    if (LOCALE_DIR / name / "LC_MESSAGES" / f"{DOMAIN}.po").is_file())
    added = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")
                   if p.parent.parent.name not in CATALOG_OF.values())
    return shipped + tuple(added)


def normalize(name: str | None) -> str | None:
    """`ja_JP.UTF-8`, `zh-CN`, `ko_KR`, `zh_Hans`, `ZH` ... -> a code of `languages()`, or None.

    Chinese of any region reads the Simplified catalog, the only Chinese one that ships.
    """
    if not name:
        return None
    word = name.strip().split(".")[0].split("@")[0].replace("-", "_")
    lowered = word.lower()
    if lowered in _ALIASES:
        return _ALIASES[lowered]
    available = languages()
    for code in available:   # a catalog a course added under its own full name (pt_BR)
        if code.lower() == lowered:
            return code
    base = lowered.split("_")[0]
    if base in CATALOG_OF:
        return base
    for code in available:
        if code.lower().split("_")[0] == base:
            return code
    return None


def from_environment(environ=None) -> str | None:
    """The language gettext itself would pick: the first of LANGUAGE, LC_ALL, LC_MESSAGES and LANG
    that is set decides; LANGUAGE may list several (`fr:ko:en`), the first we have wins."""
    environ = os.environ if environ is None else environ
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(var, "")
        if value:
            for part in value.split(":"):
                code = normalize(part)
                if code is not None:
                    return code
            if var != "LANGUAGE":
                return None   # gettext stops at the first locale variable set (C, fr_FR ...)
    return None


def catalog_name(lang: str) -> str:
    return CATALOG_OF.get(lang, lang)


def _load(lang: str) -> gettext.NullTranslations | None:
    folder = LOCALE_DIR / catalog_name(lang) / "LC_MESSAGES"
    mo = folder / f"{DOMAIN}.mo"
    try:
        if mo.is_file():
            with open(mo, "rb") as handle:
                return gettext.GNUTranslations(handle)
        po = folder / f"{DOMAIN}.po"
        if po.is_file():   # a source checkout before compiling: compile in memory
            import io
            from grader.i18n import po as pofile
            return gettext.GNUTranslations(io.BytesIO(pofile.compile_mo(*pofile.read(po))))
    except Exception:   # a damaged catalog must cost its language, never the report
        return None
    return None


@lru_cache(maxsize=None)
def translation(lang: str) -> gettext.NullTranslations:
    """`lang`'s catalog falling back to English, then to the key itself."""
    english = _load(FALLBACK) or gettext.NullTranslations()
    if lang == FALLBACK:
        return english
    chosen = _load(lang)
    if chosen is None:
        return english
    chosen.add_fallback(english)
    return chosen


def preload(lang: str | None = None) -> None:
    """Read `lang`'s catalog (every catalog without one) now, before any student code runs: the
    words of a report then come from what was on disk before student code ran, like the writers
    that use them."""
    for code in (lang,) if lang else languages():
        translation(code)
    _own(FALLBACK)


def template(key: str, lang: str, params: dict | None = None) -> str:
    """The text for `key` in `lang` with its blanks unfilled (the plural form its count needs)."""
    catalog = translation(lang)
    counter = PLURAL_COUNT.get(key)
    if counter is not None:
        count = (params or {}).get(counter)
        try:
            n = int(count) if count is not None else 2
        except (TypeError, ValueError):
            n = 2
        return catalog.ngettext(key, key, n)
    return catalog.gettext(key)


@lru_cache(maxsize=None)
def _own(lang: str) -> gettext.NullTranslations | None:
    return _load(lang)


def has(key: str, lang: str = FALLBACK) -> bool:
    """Whether `lang`'s own catalog (no fallback) holds `key`."""
    loaded = _own(lang)
    if not isinstance(loaded, gettext.GNUTranslations):
        return False
    catalog = loaded._catalog   # the only way the standard library offers to list a catalog
    return key in catalog or (key, 0) in catalog


def keys(lang: str = FALLBACK) -> set[str]:
    loaded = _own(lang)
    if not isinstance(loaded, gettext.GNUTranslations):
        return set()
    return {k if isinstance(k, str) else k[0] for k in loaded._catalog if k not in ("", ("", 0))}


def placeholders(text: str) -> set[str]:
    """The named blanks of a str.format template: `{path}`, `{error:.2g}` -> {path, error}."""
    import string
    try:
        return {name.split(".")[0].split("[")[0]
                for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        return {"<malformed>"}


class Localized(Mapping):
    """A text of the exercise table (a title, a hint) by key, read like the {"ja": ..., "en": ...}
    dicts it replaces: `title[lang]`, `hint.get(lang, ...)`, `str(title)` in English."""

    __slots__ = ("key",)

    def __init__(self, key: str):
        self.key = key

    def __getitem__(self, lang: str) -> str:
        return template(self.key, lang)

    def __iter__(self):
        return iter(languages())

    def __len__(self) -> int:
        return len(languages())

    def __str__(self) -> str:
        return self[FALLBACK]

    def __repr__(self) -> str:
        return f"Localized({self.key!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Localized) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)

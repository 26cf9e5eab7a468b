"""Every sentence a student reads, looked up by key in the gettext catalogs of grader/i18n.

Checks produce Message(key, params); writers call `text(message, lang)` or `say(key, lang, **params)`.
The sentences themselves live in grader/i18n/locale/<language>/LC_MESSAGES/grader.po (Japanese,
English, Korean, Simplified Chinese); a key missing from one language is a test failure
(tests/test_catalogs.py), and at run time falls back to English, then to the key itself.

A new message: add `msgid "your.key"` with its text to each catalog (or put the texts in a file as
MESSAGES = {"your.key": {"en": ..., "ja": ..., "ko": ..., "zh": ...}} and run
`python tools/i18n_from_dicts.py --file that.py`), then `python -m grader.i18n.po`.
"""
from __future__ import annotations

from collections.abc import Mapping

from grader import i18n
from grader.results import Message

LANGS = i18n.languages()


# Messages about a whole file rather than one check: the report says them once per file.
FILE_LEVEL = frozenset({"file_missing", "source_not_utf8", "source_not_utf8_unknown", "source_bad_coding",
                        "source_wrong_coding", "source_unreadable", "source_too_large",
                        "source_too_complex", "source_too_deep", "source_empty", "import_failed_at",
                        "import_failed", "import_timeout", "import_died"})


def text(message: Message | None, lang: str) -> str:
    if message is None:
        return ""
    return say(message.key, lang, **dict(message.params))


def say(key: str, lang: str, /, **params) -> str:
    """The message `key` in `lang` with its blanks filled; a template whose blanks cannot be
    filled is shown as it is rather than lost."""
    template = i18n.template(key, lang, params)
    try:
        return template.format(**params)
    except (KeyError, ValueError, IndexError, AttributeError, TypeError):
        return template


def choose_language(explicit: str | None = None) -> str:
    """--lang (any alias: ko_KR, zh-CN, ja_JP.UTF-8), else the environment as gettext reads it
    (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), else English."""
    return i18n.normalize(explicit) or i18n.from_environment() or i18n.FALLBACK


class _Catalogued(Mapping):
    """MESSAGES as it was before the catalogs: `key in MESSAGES`, `MESSAGES[key]["ja"]`."""

    def __getitem__(self, key: str) -> dict[str, str]:
        if not i18n.has(key):
            raise KeyError(key)
        return {lang: i18n.template(key, lang) for lang in LANGS}

    def __iter__(self):
        return iter(sorted(i18n.keys()))

    def __len__(self) -> int:
        return len(i18n.keys())


MESSAGES: Mapping[str, dict[str, str]] = _Catalogued()

"""Every sentence exists in Japanese and in English, with the same blanks to fill."""
from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from grader import catalog
from grader.messages import LANGS, MESSAGES, choose_language, say
from grader.results import State

PACKAGE = Path(__file__).resolve().parent.parent / "grader"
USES = re.compile(r"""(?:Message|say|UsageError|SubmissionError)\(\s*["']([a-z_.]+)["']""")


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_both_languages_with_the_same_blanks(key):
    entry = MESSAGES[key]
    assert set(entry) == set(LANGS), f"{key} exists in {sorted(entry)} only"
    assert all(entry[lang].strip() for lang in LANGS)
    assert fields(entry["en"]) == fields(entry["ja"]), key


def test_every_key_used_in_the_code_exists():
    used = set()
    for path in PACKAGE.rglob("*.py"):
        used |= set(USES.findall(path.read_text(encoding="utf-8")))
    used |= {f"state.{s.value}" for s in State}
    missing = sorted(k for k in used if not k.endswith(".") and k not in MESSAGES)
    assert not missing, missing
    assert len(used) > 60


def test_exercise_titles_and_hints_in_both_languages():
    for exercise in catalog.EXERCISES:
        assert set(exercise.title) == set(LANGS)
        assert len(exercise.hints) >= 2, exercise.id
        for hint in exercise.hints:
            assert set(hint) == set(LANGS) and all(hint[lang] for lang in LANGS)


def test_japanese_uses_the_books_terms():
    japanese = " ".join(entry["ja"] for entry in MESSAGES.values())
    for term in ("逆伝播", "順伝播", "誤差逆伝播法", "数値微分", "認識精度"):
        assert term in japanese, term


@pytest.mark.parametrize("env, expected", [
    ({"LANG": "ja_JP.UTF-8"}, "ja"), ({"LC_ALL": "ja_JP.UTF-8", "LANG": "en_US.UTF-8"}, "ja"),
    ({"LANGUAGE": "ja"}, "ja"), ({"LANG": "en_GB.UTF-8"}, "en"), ({}, "en"),
])
def test_language_from_the_environment(monkeypatch, env, expected):
    for var in ("LANG", "LC_ALL", "LANGUAGE", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert choose_language(None) == expected
    assert choose_language("en") == "en"


def test_missing_values_never_crash_a_report():
    assert say("wrong_values", "ja") == MESSAGES["wrong_values"]["ja"]

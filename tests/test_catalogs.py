"""The gettext catalogs: every message in every language, the same blanks everywhere, catalogs
that compile, .mo files that match their .po sources, and a fallback that never crashes."""
from __future__ import annotations

import gettext
import io
import shutil
import subprocess

import pytest

from grader import i18n
from grader.i18n import extract, po

LANGUAGES = i18n.languages()
NEEDED = sorted(extract.used_everywhere())


def catalog(lang):
    return {e.msgid: e for e in po.read(extract.catalog_path(lang))[1]}


def test_the_four_languages_ship():
    assert {"ja", "en", "ko", "zh"} <= set(LANGUAGES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_message_is_missing(lang):
    have = {key for key, entry in catalog(lang).items() if entry.translated}
    missing = sorted(set(NEEDED) - have)
    assert not missing, f"{lang} lacks {missing}: add them to {extract.catalog_path(lang)}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_message_is_left_over(lang):
    unused = sorted(set(catalog(lang)) - set(NEEDED))
    assert not unused, f"{lang} holds keys the code no longer uses: {unused}"


def test_code_hands_over_keys_not_sentences():
    used, unknown_families, sentences = extract.used_keys()
    assert not unknown_families, f"keys built at run time from unlisted prefixes: {unknown_families}"
    assert not sentences, f"text that no catalog can translate: {sentences}"
    assert len(used) > 150


@pytest.mark.parametrize("key", NEEDED)
def test_placeholders_are_the_same_in_every_language(key):
    english = catalog("en")[key].msgstr
    expected = i18n.placeholders(english[-1])
    assert "<malformed>" not in expected, key
    for lang in LANGUAGES:
        for form in catalog(lang)[key].msgstr:
            assert i18n.placeholders(form) == expected, (lang, key, form)
            form.format(**{name: 1.5 for name in expected})   # raises on a malformed blank


@pytest.mark.parametrize("key", sorted(i18n.PLURAL_COUNT))
def test_counts_choose_plural_forms(key):
    counter = i18n.PLURAL_COUNT[key]
    for lang in LANGUAGES:
        entry = catalog(lang)[key]
        assert entry.msgid_plural is not None, (lang, key)
        assert all("{" + counter in form for form in entry.msgstr), (lang, key)
    one, many = catalog("en")[key].msgstr
    assert one != many


def test_english_plurals_at_run_time():
    from grader.messages import say
    assert say("ui.hint_more", "en", exercise="Relu", left=1).endswith("(1 step left)")
    assert say("ui.hint_more", "en", exercise="Relu", left=2).endswith("(2 steps left)")
    assert say("ui.accuracy", "en", accuracy=0.95, iterations=1) == "test accuracy 0.9500 after 1 iteration"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_compiles_and_the_shipped_mo_is_up_to_date(lang):
    source = extract.catalog_path(lang)
    compiled = po.compile_mo(*po.read(source), str(source))
    shipped = source.with_suffix(".mo")
    assert shipped.read_bytes() == compiled, f"run python -m grader.i18n.po: {shipped} is stale"
    loaded = gettext.GNUTranslations(io.BytesIO(compiled))
    assert loaded.gettext("ui.exercise") != "ui.exercise"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
@pytest.mark.parametrize("lang", LANGUAGES)
def test_gnu_msgfmt_accepts_the_catalog(lang, tmp_path):
    out = subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "x.mo"), str(extract.catalog_path(lang))],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    gnu = gettext.GNUTranslations(open(tmp_path / "x.mo", "rb"))
    ours = gettext.GNUTranslations(open(extract.catalog_path(lang).with_suffix(".mo"), "rb"))
    for key in NEEDED:
        assert gnu.gettext(key) == ours.gettext(key), (lang, key)


@pytest.mark.parametrize("text, problem", [
    ('msgid "a"\nmsgstr "x\\"\n', "bad string"),
    ('msgstr "x"\n', "before any msgid"),
    ('msgid "a"\nmsgstr "x"\n\nmsgid "a"\nmsgstr "y"\n', "twice"),
    ('msgid "a"\nmsgstr "x"\nmsgstr "y"\n', "a second msgstr"),      # what a bad merge leaves
    ('msgid "a"\nmsgtxt "x"\n', "cannot read"),
    ('msgid "a"\n"stray"\nmsgstr "x"\n\n"more"\n', "continues nothing"),
])
def test_a_broken_catalog_does_not_compile(text, problem):
    with pytest.raises(po.PoError, match=problem):
        po.compile_mo(*po.parse(text, "broken.po"))


def test_plural_forms_must_match_the_header():
    text = ('msgid ""\nmsgstr "Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
            'msgid "k"\nmsgid_plural "k"\nmsgstr[0] "one"\n')
    with pytest.raises(po.PoError, match="plural forms"):
        po.compile_mo(*po.parse(text))


def test_po_round_trip_keeps_everything():
    header, entries = po.read(extract.catalog_path("ja"))
    again = po.parse(po.format_po(header, entries))
    assert again[0] == header
    assert [(e.msgid, e.msgid_plural, e.msgstr) for e in again[1]] == \
           [(e.msgid, e.msgid_plural, e.msgstr) for e in entries]


def test_fuzzy_and_empty_translations_fall_back_to_english(tmp_path, monkeypatch):
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copytree(i18n.LOCALE_DIR / "en", tmp_path / "en")
    (folder / "grader.po").write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "ui.exercise"\nmsgstr "Exercice"\n\n'
        '#, fuzzy\nmsgid "ui.state"\nmsgstr "État"\n\n'
        'msgid "ui.points"\nmsgstr ""\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translation.cache_clear()
    try:
        assert "fr" in i18n.languages()   # a course adds a language by adding a catalog
        assert i18n.normalize("fr_FR.UTF-8") == "fr"
        assert i18n.template("ui.exercise", "fr") == "Exercice"
        assert i18n.template("ui.state", "fr") == "State"
        assert i18n.template("ui.points", "fr") == "Points"
    finally:
        i18n.translation.cache_clear()


def test_a_damaged_catalog_costs_its_language_not_the_report(tmp_path, monkeypatch):
    shutil.copytree(i18n.LOCALE_DIR / "en", tmp_path / "en")
    broken = tmp_path / "ja" / "LC_MESSAGES"
    broken.mkdir(parents=True)
    (broken / "grader.po").write_text("msgid ", encoding="utf-8")
    (broken / "grader.mo").write_bytes(b"\x00not a catalog")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translation.cache_clear()
    try:
        from grader.messages import say
        assert say("ui.title", "ja", path="x") == "backprop-grader: x"
        assert say("no.such.key", "ja") == "no.such.key"
    finally:
        i18n.translation.cache_clear()


def test_the_template_lists_every_key(tmp_path):
    used = extract.used_keys()[0]
    text = extract.pot({k: used.get(k, ["grader/catalog.py"]) for k in NEEDED})
    header, entries = po.parse(text)
    assert {e.msgid for e in entries} == set(NEEDED)
    notes = {e.msgid: " ".join(e.notes) for e in entries}
    assert "en: {quantity} from {method} has shape {got}, expected {expected}" in notes["wrong_shape"]


def test_the_extractor_reads_conditionals_and_families(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "a.py").write_text(
        'say("one.key", lang)\n'
        'Message("two" if x else "three", {})\n'
        'say("state." + s.value, lang)\n'
        'say(f"mystery.{name}", lang)\n'
        'UsageError("a sentence, not a key")\n'
        'other("not.taken")\n'
        'class RosterError(Exception):\n'
        '    def __init__(self, key, **params):\n'
        '        super().__init__(key)\n'
        'RosterError("err.new_kind", path=p)\n', encoding="utf-8")
    used, unknown, sentences = extract.used_keys(package)
    assert {"one.key", "two", "three", "state.passed", "state.skipped", "err.new_kind"} <= set(used)
    assert "not.taken" not in used
    assert set(unknown) == {"mystery."}
    assert set(sentences) == {"a sentence, not a key"}

"""Korean and Chinese beside Japanese and English: choosing the language, the report at a fixed
width, and the student's commands (check, hint, list, --help) in each."""
from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from grader import catalog, i18n
from grader.cli import main
from grader.messages import choose_language
from grader.report import rich_report
from tests.conftest import EXERCISES, SOLUTIONS
from tests.report_fixtures import sample_report

GOLDEN = Path(__file__).resolve().parent / "golden"
WIDTH = 100

# Words each language must show, in the terms of the book's edition in that language.
WORDS = {
    "ja": ("課題", "不合格", "期待値", "マスクが逆", "ヒント", "得点: 3 / 42", "あなたのコード"),
    "en": ("Exercise", "failed", "expected", "the mask is inverted", "Hint", "Score: 3 / 42", "your code"),
    "ko": ("과제", "불합격", "기댓값", "마스크가 반대", "힌트", "점수: 3 / 42", "여러분의 코드", "기울기"),
    "zh": ("练习", "未通过", "期望值", "mask 反了", "提示", "得分：3 / 42", "你的代码", "梯度"),
}
ENGLISH_LABELS = ("Exercise", "State", "Points", "Detail", "Hint", "Score:", "expected", "your code", "Next:")


def rendered(report, lang: str) -> str:
    console = Console(file=io.StringIO(), width=WIDTH, no_color=True, color_system=None)
    console.print(rich_report.render(report, lang))
    return console.file.getvalue()


@pytest.mark.parametrize("lang", ["ja", "en", "ko", "zh"])
def test_report_in_each_language_at_a_fixed_width(lang):
    text = rendered(sample_report(), lang)
    for words in WORDS[lang]:
        assert words in text, (lang, words)
    if lang != "en":
        leaked = [label for label in ENGLISH_LABELS if label in text]
        assert not leaked, (lang, leaked)
    wide = [line for line in text.splitlines() if cell_len(line) > WIDTH]
    assert not wide, wide   # double-width Hangul and Hanzi are measured as two cells
    golden = GOLDEN / f"report-{lang}.txt"
    if os.environ.get("GRADER_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), \
        f"the {lang} report changed; look at it, then GRADER_UPDATE_GOLDEN=1 pytest {__file__}"


@pytest.mark.parametrize("given, expected", [
    ("ko", "ko"), ("ko_KR", "ko"), ("ko-KR", "ko"), ("ko_KR.UTF-8", "ko"), ("KO", "ko"),
    ("zh", "zh"), ("zh_CN", "zh"), ("zh-CN", "zh"), ("zh_CN.UTF-8", "zh"), ("zh-Hans", "zh"),
    ("zh_TW", "zh"), ("ja_JP.UTF-8", "ja"), ("ja_JP.eucJP", "ja"), ("en_GB", "en"), ("C", "en"),
])
def test_language_aliases(given, expected):
    assert choose_language(given) == expected


@pytest.mark.parametrize("env, expected", [
    ({"LANG": "ko_KR.UTF-8"}, "ko"),
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LC_MESSAGES": "ko_KR.UTF-8", "LANG": "en_US.UTF-8"}, "ko"),
    ({"LC_ALL": "zh_CN.UTF-8", "LC_MESSAGES": "ja_JP.UTF-8"}, "zh"),
    ({"LANGUAGE": "fr:ko:en", "LANG": "ja_JP.UTF-8"}, "ko"),       # gettext reads LANGUAGE first
    ({"LANGUAGE": "fr", "LANG": "zh_CN.UTF-8"}, "zh"),             # none of it known: go on
    ({"LC_ALL": "C", "LANG": "ko_KR.UTF-8"}, "en"),                # the first locale set decides
    ({"LANG": "fr_FR.UTF-8"}, "en"),
    ({}, "en"),
])
def test_language_from_the_environment_as_gettext_reads_it(monkeypatch, env, expected):
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert choose_language(None) == expected
    assert choose_language("ja") == "ja"   # --lang wins over the environment


def test_an_unknown_language_is_a_usage_error(capsys):
    assert main(["list", str(EXERCISES), "--lang", "klingon"]) == 2
    assert "klingon" in capsys.readouterr().err


@pytest.mark.parametrize("lang, words", [
    ("ko", ("MulLayer", "시작 전", "곱셈 계층", "다음은 layers.py의 MulLayer입니다")),
    ("zh", ("MulLayer", "未开始", "乘法层", "下一个：layers.py 中的 MulLayer")),
])
def test_list(lang, words, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")   # wide enough for the titles column
    assert main(["list", str(EXERCISES), "--lang", lang]) == 0
    out = capsys.readouterr().out
    for word in words:
        assert word in out, (lang, word, out)


@pytest.mark.parametrize("lang, words", [
    ("ko", ("Affine 계층", "(1/5)", "형상을 따라가 봅시다", "계속: grader hint Affine --more (4단계 남음)")),
    ("zh", ("Affine 层", "(1/5)", "跟着形状走", "继续：grader hint Affine --more（还剩 4 步）")),
])
def test_hint(lang, words, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path))
    assert main(["hint", "Affine", "--lang", lang]) == 0
    out = capsys.readouterr().out
    for word in words:
        assert word in out, (lang, word, out)


@pytest.mark.parametrize("lang, words", [
    ("ko", ("과제", "합격", "점수: 5 / 5")),
    ("zh", ("练习", "通过", "得分：5 / 5")),
])
def test_check(lang, words, capsys):
    assert main(["check", str(SOLUTIONS), "MulLayer", "--lang", lang]) == 0
    out = capsys.readouterr().out
    for word in words:
        assert word in out, (lang, word, out)
    assert "Score:" not in out


@pytest.mark.parametrize("lang, words", [
    ("ko", ("『밑바닥부터 시작하는 딥러닝』 5장", "제출 폴더를 채점한다", "과제의 힌트를 한 단계씩")),
    ("zh", ("《深度学习入门：基于Python的理论与实现》第 5 章", "为提交的文件夹评分", "练习的提示，一次一步")),
])
def test_help(lang, words, capsys):
    assert main(["--lang", lang, "--help"]) == 0
    out = capsys.readouterr().out
    for word in words:
        assert word in out, (lang, word, out)


@pytest.mark.parametrize("lang, words", [
    ("ko", ("제출 폴더를 과제별로 채점합니다.", "출력 언어")),
    ("zh", ("逐个练习地为提交的文件夹评分。", "输出语言")),
])
def test_help_of_check(lang, words, capsys):
    assert main(["check", "--help", "--lang", lang]) == 0
    out = capsys.readouterr().out
    for word in words:
        assert word in out, (lang, word, out)


@pytest.mark.parametrize("lang, term", [
    ("ja", "逆伝播"), ("ja", "順伝播"), ("ja", "数値微分"),
    ("ko", "역전파"), ("ko", "순전파"), ("ko", "오차역전파법"), ("ko", "수치 미분"), ("ko", "계층"),
    ("zh", "反向传播"), ("zh", "正向传播"), ("zh", "误差反向传播法"), ("zh", "数值微分"), ("zh", "识别精度"),
])
def test_each_edition_s_terms(lang, term):
    everything = " ".join(i18n.template(key, lang) for key in i18n.keys())
    assert term in everything


def test_titles_and_hints_in_every_language():
    for exercise in catalog.EXERCISES:
        for lang in ("ja", "en", "ko", "zh"):
            assert exercise.title[lang] != exercise.title.key
            assert all(hint[lang] != hint.key for hint in exercise.hints)
        assert exercise.title["ko"] != exercise.title["en"] != exercise.title["zh"]


def test_notebook_takes_lang():
    from grader import check
    report = check(str(SOLUTIONS), "MulLayer", lang="zh_CN")
    assert report.lang == "zh"
    assert "得分" in report._repr_mimebundle_()["text/plain"]



@pytest.mark.parametrize("argv, lang, expected", [
    (["check", "--bogus"], "ko", "grader check: 오류: 알 수 없는 인수가 있습니다: --bogus"),
    (["check", "--bogus"], "zh", "grader check: 错误: 无法识别的参数：--bogus"),
    (["check", "--bogus"], "en", "grader check: error: unrecognized arguments: --bogus"),
    (["hint"], "zh", "grader hint: 错误: 缺少以下必需参数：EXERCISE"),
    (["check", "--seed", "x"], "ko", "grader check: 오류: 인수 --seed: 값 'x'은(는) 쓸 수 없습니다"),
    (["hint", "Relu", "--more", "--level", "2"], "ja", "grader hint: エラー: 引数 --level は --more と一緒には使えません"),
])
def test_argparse_errors_in_the_chosen_language(argv, lang, expected, capsys):
    assert main([*argv, "--lang", lang]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == expected

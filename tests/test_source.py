"""Reading student source the way Python reads it, at a bounded cost (grader/source.py)."""
from __future__ import annotations

import ast
import sys

import pytest

from grader import source
from tests.conftest import SOLUTIONS

JAPANESE = '"""誤差逆伝播法のレイヤ。順伝播と逆伝播を書きます"""\n'
# The solutions' text without what a legacy encoding cannot hold, so that any of them can encode it.
PLAIN = (SOLUTIONS / "layers.py").read_text(encoding="utf-8").encode("ascii", "ignore").decode()


def write(tmp_path, data: bytes, name: str = "layers.py"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("text, codec, named", [
    (JAPANESE + PLAIN, "cp932", "Shift_JIS"),
    (JAPANESE + PLAIN, "euc_jp", "EUC-JP"),
    ('"""误差反向传播法的层和梯度计算"""\n' + PLAIN, "gbk", "GBK"),
    ('"""오차역전파법의 계층입니다"""\n' + PLAIN, "cp949", "EUC-KR"),
    ('"""couche de rétropropagation, déjà vérifiée"""\n' + PLAIN, "cp1252", "Windows-1252"),
    (JAPANESE + PLAIN, "utf-16", "UTF-16"),
])
def test_a_file_in_another_encoding_is_named(tmp_path, text, codec, named):
    path = write(tmp_path, text.encode(codec))
    problem = source.problem(path)
    assert problem is not None and problem.key == "source_not_utf8"
    assert problem.params == {"file": "layers.py", "encoding": named}


def test_bytes_no_encoding_explains_get_the_plain_message(tmp_path):
    # 0x81 is undefined in cp1252 and, alone before a quote, a broken lead byte everywhere else.
    path = write(tmp_path, b"x = '\x81'\n")
    assert source.problem(path).key == "source_not_utf8_unknown"


def test_legacy_bytes_in_comments_only_are_what_python_accepts(tmp_path):
    """CPython never decodes comments, so such a file imports: it is graded, not refused."""
    text = "import numpy as np  # 行列の計算\n# 誤差逆伝播法\nmarker = 1\n"
    path = write(tmp_path, text.encode("cp932"))
    assert source.problem(path) is None
    assert source.lines(path)[2] == "marker = 1"
    assert source.lines(path)[0].startswith("import numpy as np  # \ufffd")
    path = write(tmp_path, (text + "s = '誤差'\n").encode("cp932"))
    assert source.problem(path).params["encoding"] == "Shift_JIS"


def test_a_declared_encoding_is_honoured(tmp_path):
    path = write(tmp_path, ("# -*- coding: shift_jis -*-\n" + JAPANESE + PLAIN).encode("cp932"))
    assert source.problem(path) is None
    assert source.lines(path)[1] == JAPANESE.strip()


def test_a_wrong_or_unknown_coding_line_is_a_problem(tmp_path):
    wrong = write(tmp_path, ("# coding: euc_jp\n" + JAPANESE).encode("cp932"), "wrong.py")
    unknown = write(tmp_path, b"# coding: klingon\nx = 1\n", "unknown.py")
    assert source.problem(wrong).key == "source_wrong_coding"
    assert source.problem(unknown).key == "source_bad_coding"


@pytest.mark.parametrize("prefix, newline", [(b"\xef\xbb\xbf", "\n"), (b"", "\r\n"), (b"", "\r"),
                                             (b"\xef\xbb\xbf", "\r\n")])
def test_lines_are_numbered_as_python_numbers_them(tmp_path, prefix, newline):
    """A BOM, CRLF or lone CR endings, and characters that str.splitlines would wrongly split on
    (form feed, U+2028 in a string): line n is Python's line n."""
    text = newline.join(["import numpy as np", "\f", "s = 'a\u2028b\x1cc'", "# 日本語", "marker = 1", ""])
    path = write(tmp_path, prefix + text.encode("utf-8"))
    python_line = ast.parse(path.read_bytes()).body[-1].lineno
    assert source.lines(path)[python_line - 1] == "marker = 1"
    assert not source.lines(path)[0].startswith("\ufeff")
    assert source.problem(path) is None
    assert isinstance(source.parse(path).body[-1], ast.Assign)


def test_a_huge_file_is_not_read_whole(tmp_path):
    path = write(tmp_path, b"#" * (source.MAX_BYTES + 10) + b"\n")
    problem = source.problem(path)
    assert problem.key == "source_too_large" and problem.params["file"] == "layers.py"


@pytest.mark.parametrize("statement", [
    "x = " + "+".join(["1"] * 200_000),            # RecursionError in ast.parse; Python 3.10 crashes
    "x = " + "-" * 20_000 + "1",                   # MemoryError: the parser's stack
    "x = a" + ".b" * 50_000,
    "x = f" + "(1)" * 50_000,
    "x = lambda: " * 20_000 + "1",
    "x = f'{" + "+".join(["1"] * 5_000) + "}'",    # one token before Python 3.12
])
def test_pathological_statements_are_refused_before_parsing(tmp_path, statement):
    path = write(tmp_path, ("import numpy as np\n\n" + statement + "\n").encode())
    problem = source.problem(path)
    assert problem.key == "source_too_complex"
    assert problem.params["line"] == 3


@pytest.mark.skipif(sys.version_info < (3, 11), reason="3.10's ast.parse crashes instead of raising")
def test_what_the_parser_still_refuses_is_a_problem_too(tmp_path, monkeypatch):
    monkeypatch.setattr(source, "MAX_OPERATORS", 10**9)
    path = write(tmp_path, ("x = " + "+".join(["1"] * 200_000) + "\n").encode())
    assert source.problem(path).key == "source_too_deep"


def test_long_but_flat_code_is_fine(tmp_path):
    data = "DATA = [" + ", ".join(f"-{i}.5" for i in range(2_500)) + "]\n"
    chain = "total = " + " + ".join(f"w{i}" for i in range(1_000)) + "\n"
    path = write(tmp_path, (data + chain * 3).encode())
    assert source.problem(path) is None


@pytest.mark.parametrize("name", ["functions.py", "layers.py", "two_layer_net.py", "buy_apple_orange.py"])
def test_the_solutions_read_cleanly(name):
    assert source.problem(SOLUTIONS / name, name) is None
    assert source.parse(SOLUTIONS / name, name).body


def test_a_syntax_error_is_left_to_the_worker(tmp_path):
    path = write(tmp_path, b"class Relu\n    pass\n")
    assert source.problem(path) is None
    with pytest.raises(SyntaxError):
        source.parse(path)
    unclosed = write(tmp_path, b"import numpy as np\nx = np.sum(\n    1,\n", "unclosed.py")
    assert source.problem(unclosed) is None
    with pytest.raises(SyntaxError) as caught:
        source.parse(unclosed)
    assert caught.value.lineno in (2, 4)   # where the bracket opened, or where the file ended


def test_empty_files(tmp_path):
    assert source.defines_nothing(write(tmp_path, b"", "a.py"))
    assert source.defines_nothing(write(tmp_path, "# 何もない\n\n".encode(), "b.py"))
    assert not source.defines_nothing(write(tmp_path, b"x = 1\n", "c.py"))


def test_a_changed_file_is_parsed_again(tmp_path):
    path = write(tmp_path, b"a = 1\n")
    assert [n.targets[0].id for n in source.parse(path).body] == ["a"]
    path.write_bytes(b"a = 1\nbb = 2\n")
    assert [n.targets[0].id for n in source.parse(path).body] == ["a", "bb"]



def _operators_counted(text: str) -> int:
    """What _too_complex counts, summed over every statement of the text."""
    import io
    import tokenize
    return sum(source.operators_in(tok) for tok in tokenize.generate_tokens(io.StringIO(text).readline))


GLUED = [
    "x = not(a)and(b)or(c)is(d)in(e)\n",
    'y = f"a"f"b"+f"{c} d e"f\'{g}\'\n',
    "z = lambda:(yield)if(a)else(b)\n",
    'w = f"""\n  {a}  +  {b}\n"""\n',
    "v = a@b|c&d^e<<f>>g//h**i%j\n",
]


@pytest.mark.parametrize("path", sorted(SOLUTIONS.glob("*.py")) + sorted(SOLUTIONS.parent.glob("exercises/*.py")),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_quick_bound_is_above_what_tokenizing_counts_in_real_files(path):
    text = path.read_text(encoding="utf-8")
    assert _operators_counted(text) <= source._operators_at_most(text)


@pytest.mark.parametrize("text", GLUED)
def test_the_quick_bound_holds_where_words_and_strings_are_glued_together(text):
    assert _operators_counted(text) <= source._operators_at_most(text)


def test_a_file_under_the_quick_bound_is_never_tokenized(tmp_path, monkeypatch):
    import tokenize
    def refuse(*args, **kwargs):
        raise AssertionError("tokenized")
    monkeypatch.setattr(tokenize, "generate_tokens", refuse)
    assert source._too_complex((SOLUTIONS / "layers.py").read_text(encoding="utf-8")) is None

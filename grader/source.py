"""Student source as Python itself reads it, with a bounded cost: the only way the parent reads or
parses a student's file.

Python decides a file's encoding from a byte-order mark or a PEP 263 coding line, else UTF-8, and
counts lines at \\n, \\r\\n and \\r alone (not at the form feeds and Unicode separators that
`str.splitlines` also splits on). Reading the same way keeps the line numbers the worker reports
pointing at the same text here. Python never decodes comments either, so a file whose only
non-UTF-8 bytes are in comments is read (with U+FFFD there), as Python imports it.

The parent must survive any file: `ast.parse` raises RecursionError or MemoryError on deeply nested
code, and Python 3.10 crashes outright on a 200,000-term sum. So a file is parsed only after a
linear scan of its tokens shows that no statement has more than MAX_OPERATORS operators (each
level of an expression's nesting needs at least one), and only when it is under MAX_BYTES. Every
such problem becomes a SourceProblem whose message names the file, never an exception escaping
the runner.
"""
from __future__ import annotations

import ast
import codecs
import io
import keyword
import os
import string
import threading
import tokenize
from pathlib import Path

from grader.results import Message
from grader.sandbox.snapshot import MAX_FILE_BYTES

# A chapter's layers.py is about 5 kB. The cap is the worker's snapshot's: a file is never
# readable on one side and refused on the other.
MAX_BYTES = MAX_FILE_BYTES
MAX_OPERATORS = 3_000       # per statement; the book's longest has about 20

# Encodings a file saved on a Japanese, Chinese, Korean or Western Windows machine tends to have,
# with the name a student would recognise in an editor's "save as" menu, the characters text in
# that language is made of (with a weight), and a few of its commonest characters (worth 3 more).
# A wrong guess decodes into other characters or fails, but the EUC encodings decode each other's
# bytes into plausible ideographs or Hangul: kana and the common characters tell them apart.
_KANA = ((0x3041, 0x30FF), 2.0)
_IDEOGRAPHS = ((0x4E00, 0x9FFF), 1.0)
_CANDIDATES = (
    ("Shift_JIS", "cp932", (_KANA, _IDEOGRAPHS), ""),
    ("GBK", "gb18030", (_IDEOGRAPHS,), "的是不了在有这个们中来上为和到以时要就出会可也对能"
                                      "而得于着下自之过后作里用数据函层向计算误差传播梯度值输入"),
    ("EUC-JP", "euc_jp", (_KANA, _IDEOGRAPHS), ""),
    ("EUC-KR", "cp949", (((0xAC00, 0xD7A3), 1.0),), "이다는에을의가하고서한지로기도수리사니요를은들으해게어아라것"),
    ("Windows-1252", "cp1252", (((0x00C0, 0x00FF), 0.5),), ""),
)


class SourceProblem(Exception):
    """A student file the parent cannot read, or cannot parse at a bounded cost; `message` says
    which file and what to do, in the reader's language."""

    def __init__(self, key: str, **params):
        super().__init__(f"{key}: {params}")
        self.message = Message(key, params)


def read_text(path: Path, name: str | None = None) -> str:
    """The file's text as Python would compile it: decoded by its BOM or coding line (else UTF-8),
    the BOM dropped, every line ending turned into \\n."""
    return decode(read_bytes(path, name), name or Path(path).name)


def read_bytes(path: Path, name: str | None = None) -> bytes:
    name = name or Path(path).name
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)   # never more, even if the file grows meanwhile
    except OSError as exc:
        raise SourceProblem("source_unreadable", file=name, reason=exc.strerror or str(exc)) from None
    if len(data) > MAX_BYTES:
        size = _size(path, len(data))
        raise SourceProblem("source_too_large", file=name, size=f"{size / 2**20:.1f} MB",
                            limit=f"{MAX_BYTES / 2**20:g} MB")
    return data


def _size(path: Path, at_least: int) -> int:
    try:
        return max(os.stat(path).st_size, at_least)
    except OSError:
        return at_least


def decode(data: bytes, name: str) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Notepad's "Unicode": Python cannot import it at all.
        raise SourceProblem("source_not_utf8", file=name, encoding="UTF-16")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if "invalid or missing encoding" not in str(exc):
            # an unknown name on the coding line, or a coding line that contradicts a UTF-8 BOM
            raise SourceProblem("source_bad_coding", file=name, reason=str(exc)) from None
        encoding = "utf-8"   # no coding line, and the first lines are not UTF-8: said just below
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        if encoding not in ("utf-8", "utf-8-sig"):
            raise SourceProblem("source_wrong_coding", file=name, encoding=encoding) from None
        text = _lf(data.decode(encoding, errors="replace"))
        if _only_in_comments(text):
            # Python never decodes comments: the file imports, so it is graded (with the
            # comments shown as the replacement character).
            return text
        guess = guess_encoding(data)
        if guess is None:
            raise SourceProblem("source_not_utf8_unknown", file=name) from None
        raise SourceProblem("source_not_utf8", file=name, encoding=guess) from None
    return _lf(text)


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _only_in_comments(text: str) -> bool:
    """Whether every undecodable byte (now U+FFFD) sits in a comment."""
    where = {(row, col) for row, line in enumerate(text.split("\n"), 1)
             for col, ch in enumerate(line) if ch == "\ufffd"}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                row, start = tok.start
                where -= {(row, col) for col in range(start, tok.end[1])}
    except (tokenize.TokenError, SyntaxError):
        return False
    return not where


def guess_encoding(data: bytes) -> str | None:
    """The likeliest of the usual legacy encodings for text that is not UTF-8, or None."""
    best, best_score = None, 0
    for label, codec, ranges, common in _CANDIDATES:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        score = sum(weight for ch in text for (lo, hi), weight in ranges if lo <= ord(ch) <= hi)
        score += 3 * sum(text.count(ch) for ch in common)
        if score > best_score:
            best, best_score = label, score
    return best


def read_utf8(path: Path, name: str | None = None) -> str:
    """The text of a file about to be rewritten (grader reset), which is written back as UTF-8:
    only a file that is UTF-8 throughout (a BOM is dropped) is read. Bytes in comments that
    Python would skip, or a coding line naming another encoding, would not survive the rewrite."""
    name = name or Path(path).name
    data = read_bytes(path, name)
    try:
        return _lf(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        guess = guess_encoding(data)
        if guess is None:
            raise SourceProblem("source_not_utf8_unknown", file=name) from None
        raise SourceProblem("source_not_utf8", file=name, encoding=guess) from None


def lines(path: Path) -> list[str]:
    """The file's lines as Python numbers them (line n is `lines[n - 1]`); [] when it cannot be read."""
    try:
        return read_text(path).split("\n")
    except SourceProblem:
        return []


# -- parsing ------------------------------------------------------------------------------------
_cache: dict[tuple, object] = {}
_cache_lock = threading.Lock()
_CACHE_SIZE = 16


def parse(path: Path, name: str | None = None) -> ast.Module:
    """The file's syntax tree. Raises SourceProblem (unreadable, too large, not UTF-8, too
    complex) or SyntaxError (Python could not compile it either; the worker reports that with its
    line). Trees are cached by the file's size and time of change; callers must not modify them."""
    name = name or Path(path).name
    try:
        stat = os.stat(path)
        key = (os.path.realpath(path), stat.st_size, stat.st_mtime_ns, name)
    except OSError as exc:
        raise SourceProblem("source_unreadable", file=name, reason=exc.strerror or str(exc)) from None
    with _cache_lock:
        found = _cache.get(key)
    if found is None:
        try:
            found = parse_text(read_text(path, name), name)
        except (SourceProblem, SyntaxError) as exc:
            found = exc
        with _cache_lock:
            if len(_cache) >= _CACHE_SIZE:
                _cache.pop(next(iter(_cache)))
            _cache[key] = found
    if isinstance(found, BaseException):
        raise found
    return found


def parse_text(text: str, name: str) -> ast.Module:
    line = _too_complex(text)
    if line is not None:
        raise SourceProblem("source_too_complex", file=name, line=line, limit=MAX_OPERATORS)
    try:
        return ast.parse(text, filename=name)
    except (RecursionError, MemoryError):
        raise SourceProblem("source_too_deep", file=name) from None
    except ValueError as exc:   # NUL bytes, before 3.12
        raise SyntaxError(str(exc)) from None


_LAYOUT = (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT)


def _operators_at_most(text: str) -> int:
    """More than the operators _too_complex could count in the whole text, from character counts
    alone: every operator token holds a punctuation character, every keyword is an occurrence of
    its word, and an f-string's words lie in the text's whitespace-separated words or start at a
    quote. (Tokenizing costs a first call 20 ms of compiling tokenize's patterns, before the
    worker can start; a chapter's file is far under the limit by this count.)"""
    punctuation = sum(text.count(c) for c in string.punctuation)
    keywords = sum(text.count(word) for word in keyword.kwlist)
    quotes = text.count('"') + text.count("'")
    return punctuation + keywords + len(text.split()) + 2 * quotes + 1


def operators_in(tok: tokenize.TokenInfo) -> int:
    """What one token adds to its statement's count of operators."""
    if tok.type == tokenize.OP:
        return tok.string not in (",", ")", "]", "}")
    if tok.type == tokenize.NAME:
        return keyword.iskeyword(tok.string)
    if tok.type == tokenize.STRING and "f" in tok.string.split("'")[0].split('"')[0].lower():
        # Before 3.12 an f-string is one token; the expressions inside it are parsed too.
        return sum(tok.string.count(c) for c in "+-*/%@&|^~<>.([{:=!") + len(tok.string.split())
    return 0


def _too_complex(text: str) -> int | None:
    """The first line of a statement with more than MAX_OPERATORS operators, or None.

    Raises SyntaxError when the text does not even tokenize: then it is never parsed here."""
    if _operators_at_most(text) <= MAX_OPERATORS:
        return None
    count, start = 0, None
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER) or tok.string == ";":
                count, start = 0, None
                continue
            if start is None and tok.type not in _LAYOUT:
                start = tok.start[0]
            count += operators_in(tok)
            if count > MAX_OPERATORS:
                return start
    except tokenize.TokenError as exc:   # ("EOF in multi-line statement", (line, column))
        error = SyntaxError(exc.args[0])
        error.lineno = exc.args[1][0] if len(exc.args) > 1 else None
        raise error from None
    return None


def problem(path: Path, name: str | None = None) -> Message | None:
    """Why the parent cannot read or safely parse this file, or None. A syntax error is not a
    problem here: importing the file in the worker reports it with the student's line."""
    try:
        parse(path, name)
    except SourceProblem as exc:
        return exc.message
    except SyntaxError:
        return None
    return None


def defines_nothing(path: Path, name: str | None = None) -> bool:
    """True for a file that parses and holds no statement at all (empty, or only comments)."""
    try:
        return not parse(path, name).body
    except (SourceProblem, SyntaxError):
        return False

"""The rich report on consoles that are not UTF-8 (cp932 on Japanese Windows, cp1252 on Western
Windows): plain-text stand-ins for the symbols they cannot hold, and never a crash."""
from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from rich.console import Console

from grader import catalog
from grader.report import rich_report
from grader.report.console import fit
from tests.conftest import EXERCISES, ROOT, SOLUTIONS, copy_submission, mutate
from tests.report_fixtures import sample_report


def grader(*args, encoding: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING=encoding, COLUMNS="100")
    proc = subprocess.run([sys.executable, "-m", "grader", *map(str, args)], capture_output=True,
                          cwd=ROOT, env=env, timeout=300)
    assert b"Traceback" not in proc.stderr, proc.stderr.decode(encoding, "replace")
    return proc


@pytest.mark.parametrize("encoding, lang, passed", [("cp932", "ja", "+ 合格"), ("cp1252", "en", "+ passed")])
def test_solutions_on_a_legacy_console(encoding, lang, passed):
    proc = grader("check", SOLUTIONS, "--lang", lang, encoding=encoding)
    assert proc.returncode == 0
    out = proc.stdout.decode(encoding)   # strict: every byte is the console's own
    assert out.count(passed) == len(catalog.ORDER)   # the solutions write every extra too
    assert "?" not in out                # nothing was lost: each symbol has its stand-in
    lines = out.splitlines()
    title = next(i for i, line in enumerate(lines) if "学習曲線" in line or "Learning curve" in line)
    curve = lines[title + 1].strip("| ")
    assert len(curve) > 10 and set(curve) <= set("_.-:=+*#")


@pytest.mark.parametrize("encoding", ["cp932", "cp1252"])
def test_stubs_on_a_legacy_console(encoding):
    proc = grader("check", EXERCISES, encoding=encoding)
    assert proc.returncode == 1
    out = proc.stdout.decode(encoding)
    assert "not started" in out and "Nothing written yet" in out
    for command in (["list", EXERCISES], ["hint", "Relu"]):
        listed = grader(*command, encoding=encoding)
        assert listed.returncode == 0 and listed.stdout.decode(encoding)


def test_japanese_on_a_console_that_cannot_show_it():
    """--lang ja on cp1252: question marks, but a whole report and the right exit code."""
    proc = grader("check", EXERCISES, "Relu", "--lang", "ja", encoding="cp1252")
    assert proc.returncode == 1
    out = proc.stdout.decode("cp1252")
    assert "Relu" in out and "0/8" in out and "??" in out


def test_what_student_code_prints_cannot_break_the_console(tmp_path):
    folder = copy_submission(SOLUTIONS, tmp_path / "s")
    mutate(folder, "layers.py", "        self.mask = x <= 0", "        print('できた 🎉 ✓')\n        self.mask = x <= 0")
    mutate(folder, "layers.py", "        dout[self.mask] = 0  # the book", "        dout = -dout\n        dout[self.mask] = 0  # the book")
    proc = grader("check", folder, "Relu", encoding="cp932")
    assert proc.returncode == 1
    out = proc.stdout.decode("cp932")
    assert "できた ?? ?" in out and "Relu.backward" in out
    assert "> " in out or "→ " in out   # the diagnosis arrow, as it fits


def test_machine_formats_stay_utf8_on_any_console():
    proc = grader("check", EXERCISES, "Relu", "--format", "json", "--lang", "ja", encoding="cp1252")
    assert "未着手" in proc.stdout.decode("utf-8")


def rendered(report, encoding: str, lang: str = "en", width: int = 100) -> str:
    buffer = io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="strict")
    console = Console(file=buffer, width=width, no_color=True, color_system=None)
    console.print(rich_report.render(report, lang))
    buffer.flush()
    return buffer.buffer.getvalue().decode(encoding)


@pytest.mark.parametrize("encoding", ["cp932", "cp1252", "cp437", "ascii"])
def test_stand_ins_keep_the_layout(encoding):
    """Every line of a panel or table is as wide as with the real symbols."""
    from rich.cells import cell_len
    for lang in ("en", "ja"):
        text = rendered(sample_report(), encoding, lang)
        unicode_text = rendered(sample_report(), "utf-8", lang)
        assert [cell_len(line) for line in text.splitlines()] == \
            [cell_len(line) for line in unicode_text.splitlines()]
    assert "Relu" in text and "x " in text


def test_fit_is_the_identity_on_unicode_consoles():
    assert fit("✔ → ▁█ 日本語 🎉", "utf-8") == "✔ → ▁█ 日本語 🎉"
    assert fit("✔ → ▁█ 日本語", "cp932") == "+ → _# 日本語"
    assert fit("✔ → ▁█ 日本語", "cp1252") == "+ > _# ??????"

"""Where results cannot be written: one translated line and exit 2, before the grading where that
can be known, and a translated error (not a message key) in a notebook."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from grader import runner
from grader.cli import main
from tests.conftest import ROOT, SOLUTIONS


@pytest.fixture
def no_grading(monkeypatch):
    """Grading must not start: the problem is known before it."""
    def refuse(*args, **kwargs):
        raise AssertionError("the grading started")
    monkeypatch.setattr(runner, "run", refuse)


def one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("grader: "), err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("fmt", ["json", "rich", "junit"])
def test_output_into_a_missing_folder(capsys, tmp_path, no_grading, fmt):
    target = tmp_path / "no" / "such" / "results.json"
    assert main(["check", str(SOLUTIONS), "Relu", "--format", fmt, "--output", str(target)]) == 2
    assert f"there is no folder {target.parent}" in one_line(capsys)


def test_output_onto_a_folder(capsys, tmp_path, no_grading):
    assert main(["check", str(SOLUTIONS), "--format", "json", "--output", str(tmp_path)]) == 2
    assert "it is a folder" in one_line(capsys)


def test_output_under_a_file(capsys, tmp_path, no_grading):
    (tmp_path / "file").write_text("x")
    assert main(["check", str(SOLUTIONS), "--output", str(tmp_path / "file" / "r.json")]) == 2
    one_line(capsys)


def test_plot_onto_an_existing_file(capsys, tmp_path, no_grading):
    (tmp_path / "figs").write_text("x")
    assert main(["check", str(SOLUTIONS), "--plot", str(tmp_path / "figs"), "--lang", "ja"]) == 2
    assert "--plot には図を保存するフォルダを指定してください" in one_line(capsys)


def test_plot_under_a_file(capsys, tmp_path, no_grading):
    (tmp_path / "file").write_text("x")
    assert main(["check", str(SOLUTIONS), "--plot", str(tmp_path / "file" / "figs")]) == 2
    one_line(capsys)


def test_plot_into_a_new_folder_is_fine(capsys, tmp_path, monkeypatch):
    """A folder that does not exist yet is created: not an error."""
    from grader.commands.common import writable_folder
    writable_folder(tmp_path / "new" / "figs")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs Linux's /dev/full")
@pytest.mark.parametrize("fmt", ["json", "rich"])
def test_a_write_that_fails_after_grading(capsys, fmt):
    """The disk fills up while the report is written: one line, exit 2."""
    assert main(["check", str(SOLUTIONS), "MulLayer", "--format", fmt, "--output", "/dev/full"]) == 2
    assert "No space left on device" in one_line(capsys)


def test_the_command_itself_says_it_in_japanese(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "grader", "check", str(SOLUTIONS), "--format", "json",
                           "--output", str(tmp_path / "x" / "r.json"), "--lang", "ja"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == f"grader: {tmp_path / 'x' / 'r.json'} に書き込めません: フォルダ {tmp_path / 'x'} がありません\n"


@pytest.mark.parametrize("lang, words", [("en", "no such folder: /no/such/dir"),
                                         ("ja", "フォルダがありません: /no/such/dir")])
def test_notebook_errors_are_sentences(lang, words):
    from grader import check
    with pytest.raises(runner.SubmissionError) as caught:
        check("/no/such/dir", lang=lang)
    assert str(caught.value) == words


def test_notebook_unknown_exercise_is_a_sentence():
    from grader import check
    with pytest.raises(ValueError, match="the exercises are: MulLayer"):
        check(str(SOLUTIONS), "Relux", lang="en")

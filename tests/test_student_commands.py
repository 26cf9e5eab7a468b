"""The student loop: init, list, hint, reset and watch never lose work and do what they say."""
from __future__ import annotations

import subprocess
import sys
import time

from grader.cli import main
from tests.conftest import EXERCISES, ROOT, SOLUTIONS, copy_submission


def test_init_writes_stubs_and_never_overwrites(tmp_path, capsys):
    target = tmp_path / "mine"
    assert main(["init", str(target)]) == 0
    assert (target / "layers.py").read_text() == (EXERCISES / "layers.py").read_text()
    (target / "layers.py").write_text("# my work\n")
    assert main(["init", str(target)]) == 2
    assert (target / "layers.py").read_text() == "# my work\n"
    assert "never overwrites" in capsys.readouterr().err


def test_reset_restores_one_class_and_keeps_a_backup(tmp_path, capsys):
    folder = copy_submission(SOLUTIONS, tmp_path / "mine")
    before = (folder / "layers.py").read_text()
    assert main(["reset", "sigmoid", str(folder)]) == 0
    after = (folder / "layers.py").read_text()
    backups = list(folder.glob("layers.py.*.bak"))
    assert len(backups) == 1 and backups[0].read_text() == before
    assert "write Sigmoid.forward" in after and "write Sigmoid.backward" in after
    assert "np.dot(dout, self.W.T)" in after and "self.mask = x <= 0" in after
    assert main(["reset", "sigmoid", str(folder)]) == 0  # a second reset keeps both backups
    assert len(list(folder.glob("layers.py.*.bak"))) == 2


def test_reset_refuses_a_file_it_cannot_parse(tmp_path, capsys):
    folder = copy_submission(SOLUTIONS, tmp_path / "mine")
    (folder / "layers.py").write_text("class Relu(:\n")
    assert main(["reset", "relu", str(folder)]) == 2
    assert (folder / "layers.py").read_text() == "class Relu(:\n"
    assert not list(folder.glob("*.bak"))


def test_reset_never_rewrites_a_file_it_cannot_keep(tmp_path, capsys):
    """A Shift_JIS file would lose its bytes when written back as UTF-8: refused, untouched."""
    folder = copy_submission(SOLUTIONS, tmp_path / "mine")
    data = ("# 誤差逆伝播法\n" + (folder / "layers.py").read_text(encoding="utf-8").replace("·", ".")).encode("cp932")
    (folder / "layers.py").write_bytes(data)
    assert main(["reset", "relu", str(folder), "--lang", "en"]) == 2
    assert "layers.py is not UTF-8 (it looks like Shift_JIS)" in capsys.readouterr().err
    assert (folder / "layers.py").read_bytes() == data and not list(folder.glob("*.bak"))


def test_reset_reads_bom_and_crlf_files(tmp_path, capsys):
    folder = copy_submission(SOLUTIONS, tmp_path / "mine")
    text = (folder / "layers.py").read_text(encoding="utf-8")
    (folder / "layers.py").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert main(["reset", "relu", str(folder)]) == 0
    after = (folder / "layers.py").read_text(encoding="utf-8")
    assert "write Relu.forward" in after and "self.out = out" in after


def test_reset_refuses_a_pathological_file(tmp_path, capsys):
    folder = copy_submission(SOLUTIONS, tmp_path / "mine")
    with open(folder / "layers.py", "a", encoding="utf-8") as fh:
        fh.write("x = " + "+".join(["1"] * 200_000) + "\n")
    assert main(["reset", "relu", str(folder), "--lang", "en"]) == 2
    assert "too complex to read safely" in capsys.readouterr().err


def test_hint_steps_are_remembered(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path))
    from grader import catalog
    steps = len(catalog.BY_ID["Affine"].hints)
    assert main(["hint", "Affine", "--lang", "en"]) == 0
    first = capsys.readouterr().out
    assert f"(1/{steps})" in first and "Follow the shapes" in first
    main(["hint", "Affine", "--more", "--lang", "en"])
    assert f"(2/{steps})" in capsys.readouterr().out
    main(["hint", "Affine", "--lang", "en"])
    assert f"(2/{steps})" in capsys.readouterr().out
    main(["hint", "Affine", "--level", "9", "--lang", "ja"])
    last = capsys.readouterr().out
    assert f"({steps}/{steps})" in last and "ヒントはここまで" in last
    assert main(["hint", "Conv2d"]) == 2


def test_list_marks_the_next_exercise(capsys):
    assert main(["list", str(EXERCISES), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "MulLayer ←" in out and "not started" in out


def test_watch_rechecks_after_a_save(tmp_path):
    folder = copy_submission(EXERCISES, tmp_path / "mine")
    watcher = subprocess.Popen([sys.executable, "-m", "grader", "watch", str(folder), "--interval", "0.2",
                                "--max-runs", "2", "--lang", "en"], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        time.sleep(4)  # the first check of the untouched stubs
        solved = (SOLUTIONS / "layers.py").read_text()
        (folder / "layers.py").write_text(solved)
        out, _ = watcher.communicate(timeout=120)
    finally:
        watcher.kill()
    assert out.count("Score:") == 2, out
    assert "layers.py changed" in out
    assert "MulLayer passed!" in out


def test_reset_finds_the_class_where_the_books_repository_keeps_it(tmp_path, capsys):
    from tests.book_layout import build_book_repository
    repo = build_book_repository(tmp_path / "deep-learning-from-scratch").parent
    common, naive = repo / "common" / "layers.py", repo / "ch05" / "layer_naive.py"
    before_common, before_naive = common.read_text(), naive.read_text()
    assert main(["reset", "relu", str(repo / "ch05"), "--lang", "en"]) == 0
    assert str(common) in capsys.readouterr().out
    assert "write Relu.forward" in common.read_text() and "self.mask = x <= 0" not in common.read_text()
    assert "np.dot(dout, self.W.T)" in common.read_text()           # Affine untouched
    assert [b.read_text() for b in (repo / "common").glob("layers.py.*.bak")] == [before_common]
    assert main(["reset", "MulLayer", str(repo), "--lang", "en"]) == 0  # the repository itself too
    assert "write MulLayer.backward" in naive.read_text() and "class AddLayer" in naive.read_text()
    assert [b.read_text() for b in (repo / "ch05").glob("layer_naive.py.*.bak")] == [before_naive]
    assert not (repo / "ch05" / "layers.py").exists()


def test_reset_has_nothing_to_put_back_in_the_books_apple_script(tmp_path, capsys):
    from tests.book_layout import build_book_repository
    repo = build_book_repository(tmp_path / "deep-learning-from-scratch").parent
    script = (repo / "ch05" / "buy_apple_orange.py").read_text()
    assert main(["reset", "buy_apple_orange", str(repo / "ch05"), "--lang", "en"]) == 2
    assert "buy_apple_orange" in capsys.readouterr().err
    assert (repo / "ch05" / "buy_apple_orange.py").read_text() == script


def test_reset_follows_a_courses_own_layout(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = copy_submission(SOLUTIONS, tmp_path / "work")
    (folder / "nn").mkdir()
    (folder / "nn" / "activations.py").write_text((SOLUTIONS / "layers.py").read_text())
    (tmp_path / "grader.toml").write_text('[files]\nRelu = "nn/activations.py"\n')
    flat_before = (folder / "layers.py").read_text()
    assert main(["reset", "relu", str(folder), "--lang", "en"]) == 0
    assert "write Relu.forward" in (folder / "nn" / "activations.py").read_text()
    assert (folder / "layers.py").read_text() == flat_before

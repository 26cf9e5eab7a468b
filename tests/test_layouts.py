"""Where students keep their files: the flat folder, the book's repository, a course's own layout."""
from __future__ import annotations

import json
import shutil
import textwrap

import pytest

from grader.cli import main
from grader.layout import detect
from tests.book_layout import build_book_repository
from tests.conftest import SOLUTIONS, copy_submission, mutate


def run_json(capsys, *args) -> tuple[int, dict]:
    code = main(["check", *map(str, args), "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def by_exercise(report: dict) -> dict:
    """{exercise: (first non-passing state or passed, file, output of that test)}."""
    found: dict = {}
    for test in report["tests"]:
        extra = test["extra_data"]
        current = found.get(extra["exercise"])
        if current is None or (current[0] == "passed" and extra["state"] != "passed"):
            found[extra["exercise"]] = (extra["state"], extra["file"], test["output"])
    return found


@pytest.fixture
def book(tmp_path):
    return build_book_repository(tmp_path / "deep-learning-from-scratch")


# ---- the book's repository -------------------------------------------------------------------

def test_the_books_layout_scores_full_marks_and_names_each_file(book, capsys):
    code, report = run_json(capsys, book)
    failures = [t["output"] for t in report["tests"] if t["status"] != "passed"]
    assert code == 0 and report["score"] == report["max_score"] == 100, failures
    layout = report["extra_data"]["layout"]
    assert layout["kind"] == "book" and layout["buy_apple_orange"] == "script"
    assert layout["files"]["MulLayer"] == layout["files"]["AddLayer"] == "ch05/layer_naive.py"
    assert {layout["files"][c] for c in ("Relu", "Sigmoid", "Affine", "SoftmaxWithLoss")} == {"common/layers.py"}
    assert layout["files"]["TwoLayerNet"] == "ch05/two_layer_net.py"
    files = {e: f for e, (_, f, _) in by_exercise(report).items()}
    assert files["Relu"] == "common/layers.py" and files["MulLayer"] == "ch05/layer_naive.py"
    assert files["train_neuralnet"] == "ch05/two_layer_net.py"


def test_the_repository_itself_is_graded_by_its_ch05(book):
    layout = detect(book.parent)
    assert layout.kind == "book" and layout.root == book.parent.resolve()
    assert layout.import_dirs == ("ch05", ".")
    assert layout.module_of("Relu") == "common.layers" and layout.module_of("MulLayer") == "layer_naive"


def test_a_wrong_value_in_common_layers_points_at_that_file(book, capsys):
    mutate(book.parent, "common/layers.py", "dout[self.mask] = 0", "dout[~self.mask] = 0")
    code, report = run_json(capsys, book, "Relu")
    state, file, output = by_exercise(report)["Relu"]
    assert code == 1 and state == "failed" and file == "common/layers.py"
    assert "common/layers.py:" in output and "dout[~self.mask] = 0" in output


def test_an_exception_in_layer_naive_names_its_path(book, capsys):
    mutate(book.parent, "ch05/layer_naive.py", "        dx = dout * self.y", "        dx = dout * self.yy")
    _, report = run_json(capsys, book, "MulLayer")
    state, _, output = by_exercise(report)["MulLayer"]
    assert state == "error" and "ch05/layer_naive.py:" in output and "self.yy" in output


def test_rich_report_says_where_each_class_came_from(book, capsys):
    main(["check", str(book), "MulLayer", "--lang", "en"])
    out = capsys.readouterr().out
    assert "Layout: the book's repository" in out
    assert "ch05/layer_naive.py: MulLayer, AddLayer" in out
    assert "common/layers.py: Relu, Sigmoid, Affine, SoftmaxWithLoss" in out


def test_the_plain_flat_folder_needs_no_layout_line(solutions_copy, capsys):
    assert detect(solutions_copy).is_plain_flat
    main(["check", str(solutions_copy), "MulLayer", "--lang", "en"])
    assert "Layout:" not in capsys.readouterr().out


# ---- two layouts fit: the one the network imports from is used, and the report says so ----------

def _flat_copy_inside(book):
    for name in ("layers.py", "functions.py"):
        shutil.copy(SOLUTIONS / name, book / name)


def test_both_fit_and_the_network_imports_common(book):
    _flat_copy_inside(book)
    layout = detect(book)
    assert layout.kind == "book" and [n.key for n in layout.notes] == ["layout_both_book"]
    assert layout.notes[0].params["imports"] == "common.layers"


def test_both_fit_and_the_network_imports_the_folders_layers(book, capsys):
    _flat_copy_inside(book)
    mutate(book, "two_layer_net.py", "from common.layers import *", "from layers import *")
    layout = detect(book)
    assert [n.key for n in layout.notes] == ["layout_both_flat"]
    assert layout.file_of("Relu") == "ch05/layers.py" and layout.module_of("Relu") == "layers"
    # the network still takes numerical_gradient from common/: the book's import folders serve both
    code, report = run_json(capsys, book, "TwoLayerNet")
    assert code == 0 and "two layouts fit" in report["output"], report["tests"]
    assert by_exercise(report)["Relu"][1] == "ch05/layers.py"


# ---- a course's own layout ---------------------------------------------------------------------

def _course(tmp_path):
    """A Colab course's mymodules folder, its network in nets/tl_nn.py."""
    folder = copy_submission(SOLUTIONS, tmp_path / "mymodules")
    (folder / "nets").mkdir()
    (folder / "two_layer_net.py").rename(folder / "nets" / "tl_nn.py")
    config = tmp_path / "grader.toml"
    config.write_text(textwrap.dedent("""
        [files]
        TwoLayerNet = "nets/tl_nn.py"
        """), encoding="utf-8")
    return folder, config


def test_a_course_layout_from_configuration(tmp_path, capsys):
    folder, config = _course(tmp_path)
    code, report = run_json(capsys, folder, "TwoLayerNet", "--config", config)
    assert code == 0, report["tests"]
    assert by_exercise(report)["TwoLayerNet"][:2] == ("passed", "nets/tl_nn.py")
    assert report["extra_data"]["layout"]["kind"] == "course"


def test_without_the_configuration_the_course_network_is_missing(tmp_path, capsys):
    folder, _ = _course(tmp_path)
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    code, report = run_json(capsys, folder, "TwoLayerNet", "--config", empty)
    state, file, output = by_exercise(report)["TwoLayerNet"]
    assert code == 1 and state == "error" and file == "two_layer_net.py" and "missing" in output


def test_a_flat_folder_with_other_file_names_is_found_and_reported(solutions_copy, capsys):
    (solutions_copy / "two_layer_net.py").rename(solutions_copy / "tl_nn.py")
    layout = detect(solutions_copy)
    assert layout.file_of("TwoLayerNet") == "tl_nn.py" and layout.module_of("TwoLayerNet") == "tl_nn"
    code, report = run_json(capsys, solutions_copy, "TwoLayerNet")
    assert code == 0 and by_exercise(report)["TwoLayerNet"][1] == "tl_nn.py"


@pytest.mark.parametrize("table, complaint", [
    ('[files]\nReLU = "layers.py"\n', "not a name the grader imports"),
    ('[files]\nRelu = "../layers.py"\n', "inside the submission folder"),
    ('[files]\nRelu = "layers.txt"\n', "is not allowed"),
    ('files = "layers.py"\n', "files must be a table"),
])
def test_bad_files_tables_are_exit_2_with_the_key_named(tmp_path, capsys, table, complaint):
    config = tmp_path / "grader.toml"
    config.write_text(table, encoding="utf-8")
    assert main(["check", str(SOLUTIONS), "MulLayer", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert complaint in err and str(config) in err and "Traceback" not in err


# ---- the other commands follow the layout ------------------------------------------------------

def test_watch_follows_the_books_folders(book):
    from grader.commands.watch import affected_exercises, snapshot, watched
    root, dirs = watched(book)
    files = snapshot(root, dirs)
    assert root == book.parent.resolve()
    assert {"ch05/layer_naive.py", "common/layers.py", "ch05/two_layer_net.py"} <= set(files)
    changed = affected_exercises(["common/layers.py"], detect(book))
    assert changed == ["Relu", "Sigmoid", "Affine", "SoftmaxWithLoss", "TwoLayerNet", "train_neuralnet"]
    assert affected_exercises(["ch05/layer_naive.py"], detect(book)) == ["MulLayer", "AddLayer", "buy_apple_orange"]
    assert affected_exercises(["common/functions.py"], detect(book))[0] == "MulLayer"


def test_check_from_inside_the_books_ch05(book, capsys, monkeypatch):
    monkeypatch.chdir(book)
    code = main(["check", "MulLayer", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["extra_data"]["layout"]["kind"] == "book"


def test_list_shows_the_layouts_files(book, capsys):
    mutate(book.parent, "common/layers.py", "class Relu:", "class ReLU:")
    assert main(["list", str(book), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "common/layers.py" in out and "ch05/layer_naive.py" in out


def test_a_syntax_error_in_common_layers_is_said_once_naming_it(book, capsys):
    mutate(book.parent, "common/layers.py", "class Sigmoid:", "class Sigmoid(:")
    _, report = run_json(capsys, book, "Relu", "Affine")
    for exercise in ("Relu", "Affine"):
        state, file, output = by_exercise(report)[exercise]
        assert state == "error" and file == "common/layers.py"
        assert "common/layers.py could not be imported: SyntaxError at line" in output


def test_a_shift_jis_common_layers_is_one_clear_error(book, capsys):
    path = book.parent / "common" / "layers.py"
    path.write_bytes(("# 誤差逆伝播法のレイヤ\n" + path.read_text(encoding="utf-8")).encode("cp932", "replace"))
    _, report = run_json(capsys, book, "Relu")
    state, file, output = by_exercise(report)["Relu"]
    assert state == "error" and file == "common/layers.py" and "common/layers.py is not UTF-8" in output

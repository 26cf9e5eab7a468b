"""exercises/ and solutions/ never drift: the stubs are exactly what the generator makes."""
from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from grader import catalog, stubs
from tests.conftest import EXERCISES, SOLUTIONS


@pytest.mark.parametrize("name", stubs.SUBMISSION_FILES)
def test_committed_stubs_are_generated_from_the_solutions(name):
    expected = stubs.stub_source((SOLUTIONS / name).read_text(encoding="utf-8"), name)
    assert (EXERCISES / name).read_text(encoding="utf-8") == expected, (
        f"exercises/{name} is out of date: run `python -m grader.stubs`")


def test_every_student_function_exists_in_the_solutions():
    for exercise in catalog.EXERCISES:
        tree = ast.parse((SOLUTIONS / exercise.file).read_text(encoding="utf-8"))
        names = {qualname for qualname, _ in stubs._functions(tree)}
        assert set(exercise.writes) <= names, exercise.id


def test_each_stub_body_is_one_not_implemented_error():
    for exercise in catalog.EXERCISES:
        tree = ast.parse((EXERCISES / exercise.file).read_text(encoding="utf-8"))
        functions = dict(stubs._functions(tree))
        for qualname in exercise.writes:
            body = functions[qualname].body
            assert ast.get_docstring(functions[qualname]), f"{qualname} lost its docstring"
            assert len(body) == 2 and isinstance(body[1], ast.Raise), qualname
            assert "grader hint " + exercise.id in ast.unparse(body[1])


def test_the_book_script_prints_the_book_numbers():
    out = subprocess.run([sys.executable, "buy_apple_orange.py"], cwd=SOLUTIONS,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["price:", "715", "dApple:", "2.2", "dApple_num:", "110",
                                  "dOrange:", "3.3000000000000003", "dOrange_num:", "165",
                                  "dTax:", "650"]


def test_reset_of_one_name_leaves_the_rest_alone():
    source = (SOLUTIONS / "layers.py").read_text(encoding="utf-8")
    reset = stubs.stub_source(source, "layers.py", only={"Relu.backward"})
    assert "dout[self.mask] = 0" not in reset
    assert "np.dot(dout, self.W.T)" in reset
    assert reset.count("NotImplementedError") == 1


def test_unwritten_reads_stubs_from_the_source(tmp_path):
    """What is still a stub is told from the source alone; a written or broken file counts as
    written (running it says what is wrong)."""
    from grader import catalog
    from grader.stubs import unwritten
    from tests.conftest import copy_submission
    folder = copy_submission(EXERCISES, tmp_path / "work")
    relu = catalog.BY_ID["Relu"]
    assert unwritten(folder, relu) == ["Relu.forward", "Relu.backward"]
    assert unwritten(SOLUTIONS, relu) == []
    source = (folder / "layers.py").read_text(encoding="utf-8")
    start = source.index("        raise NotImplementedError('Relu.forward")
    end = source.index("\n", start)
    (folder / "layers.py").write_text(source[:start] + "        return x" + source[end:], encoding="utf-8")
    assert unwritten(folder, relu) == ["Relu.backward"]
    (folder / "layers.py").write_text("class Relu(:\n", encoding="utf-8")
    assert unwritten(folder, relu) == []

"""The maintainer's commands: a course that agrees with itself, and a copy students can have."""
from __future__ import annotations

import shutil

from grader.cli import main
from tests.conftest import ROOT, mutate


def course_copy(tmp_path):
    target = tmp_path / "course"
    for name in ("exercises", "solutions"):
        shutil.copytree(ROOT / name, target / name)
    return target


def test_dev_check_passes_on_this_repository(capsys):
    assert main(["dev", "check", "--root", str(ROOT)]) == 0


def test_dev_check_finds_drift_and_a_failing_solution(tmp_path, capsys):
    course = course_copy(tmp_path)
    mutate(course, "solutions/layers.py", "        return dout * 1, dout * 1", "        return dout * 2, dout * 2")
    assert main(["dev", "check", "--root", str(course)]) == 1
    out = capsys.readouterr().out
    assert "the solution of AddLayer is failed" in out


def test_dev_check_finds_a_stub_that_is_not_a_stub(tmp_path, capsys):
    course = course_copy(tmp_path)
    mutate(course, "exercises/two_layer_net.py",
           "        raise NotImplementedError('TwoLayerNet.gradient", "        return {}\n        raise NotImplementedError('TwoLayerNet.gradient")
    assert main(["dev", "check", "--root", str(course)]) == 1
    assert "exercises/two_layer_net.py differs" in capsys.readouterr().out


def test_student_copy_has_no_answers_and_refuses_to_overwrite(tmp_path, capsys):
    target = tmp_path / "handout"
    assert main(["dev", "student-copy", str(target), "--root", str(ROOT)]) == 0
    assert (target / "exercises" / "layers.py").is_file() and (target / "grader").is_dir()
    assert not (target / "solutions").exists() and not (target / "tests").exists()
    assert main(["dev", "student-copy", str(target), "--root", str(ROOT)]) == 2


def test_student_copy_readme_names_no_command_that_needs_tests(tmp_path):
    """tests/ is not handed out, so the README's test command (which would find no tests) and the
    sentences about it go; the install-and-check command stays first."""
    target = tmp_path / "handout"
    assert main(["dev", "student-copy", str(target), "--root", str(ROOT)]) == 0
    readme = (target / "README.md").read_text(encoding="utf-8")
    assert "pytest" not in readme and "own tests" not in readme and "テストを実行" not in readme
    assert "자체의 테스트" not in readme and "自身的测试" not in readme
    assert readme.split("```")[1].strip().endswith("grader check")
    assert not (target / "BENCHMARKS.md").exists()

"""The instructor's one place for settings: found, applied, and refused with a clear message."""
from __future__ import annotations

import json
import textwrap

import pytest

from grader.cli import main
from grader.config import ConfigError, load, parse
from tests.conftest import SOLUTIONS


def write(path, text):
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_points_of_an_exercise_keep_the_split_of_its_checks(tmp_path):
    config = load(write(tmp_path / "grader.toml", """
        seed = 5
        [points]
        affine = 34
        [points.SoftmaxWithLoss]
        forward = 1
        """))
    assert config.seed == 5
    assert config.points["Affine"] == {"forward": 10.0, "backward": 16.0, "tensor_input": 8.0}
    assert config.points["SoftmaxWithLoss"] == {"forward": 1.0}
    assert config.max_score == 100 + 17 - 5


def test_pyproject_table_is_found_beside_the_submission(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    course = tmp_path / "course"
    (course / "alice").mkdir(parents=True)
    write(course / "pyproject.toml", """
        [project]
        name = "course"
        [tool.grader]
        mnist_target = 0.9
        """)
    assert load(None, course / "alice").mnist_target == 0.9


@pytest.mark.parametrize("table, words", [
    ({"seed": -1}, "seed = -1 is not allowed"),
    ({"seed": 1.5}, "seed = 1.5 is not allowed"),
    ({"mnist_target": 2}, "mnist_target = 2 is not allowed"),
    ({"timeout": "fast"}, "timeout = 'fast' is not allowed"),
    ({"colour": 1}, "unknown key 'colour'"),
    ({"points": {"Conv": 3}}, "points.Conv: no such exercise"),
    ({"points": {"Relu": {"sideways": 3}}}, "Relu has no check 'sideways'"),
    ({"points": {"Relu": -2}}, "points.Relu = -2 is not allowed"),
])
def test_bad_values_name_the_key_and_what_is_allowed(table, words):
    with pytest.raises(ConfigError, match=words.replace("(", r"\(").replace(".", r"\.")):
        parse(table)


def test_broken_toml_is_exit_2_with_the_file_named(tmp_path, capsys):
    config = write(tmp_path / "grader.toml", "seed = = 3\n")
    assert main(["check", str(SOLUTIONS), "MulLayer", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert str(config) in err and "not valid TOML" in err


def test_configured_points_and_seed_reach_the_report(tmp_path, capsys):
    config = write(tmp_path / "grader.toml", """
        seed = 11
        [points]
        MulLayer = 10
        """)
    assert main(["check", str(SOLUTIONS), "MulLayer", "--format", "json", "--config", str(config)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["max_score"] == report["score"] == 10
    assert report["output"].splitlines()[0] == "seed 11"


def test_seed_precedence_flag_then_environment_then_config(tmp_path, capsys, monkeypatch):
    config = write(tmp_path / "grader.toml", "seed = 11\n")
    monkeypatch.setenv("GRADER_SEED", "12")
    main(["check", str(SOLUTIONS), "MulLayer", "--format", "json", "--config", str(config)])
    assert json.loads(capsys.readouterr().out)["output"].splitlines()[0] == "seed 12"
    main(["check", str(SOLUTIONS), "MulLayer", "--format", "json", "--config", str(config), "--seed", "13"])
    assert json.loads(capsys.readouterr().out)["output"].splitlines()[0] == "seed 13"
    monkeypatch.setenv("GRADER_SEED", "twelve")
    assert main(["check", str(SOLUTIONS), "MulLayer", "--config", str(config)]) == 2


def test_same_seed_same_verdict_other_seed_other_inputs(solutions_copy):
    from grader.checks.context import Settings
    from grader.runner import run
    from tests.conftest import mutate
    # A Relu that is right only for the inputs of one particular draw would be caught by another.
    mutate(solutions_copy, "layers.py", "        out = x.copy()", "        print(float(x.reshape(-1)[2]))\n        out = x.copy()")
    first = run(solutions_copy, ["Relu"], Settings(seed=1)).exercises[0].output
    again = run(solutions_copy, ["Relu"], Settings(seed=1)).exercises[0].output
    other = run(solutions_copy, ["Relu"], Settings(seed=2)).exercises[0].output
    assert first == again and first != other


def test_min_score_decides_the_exit_code(capsys):
    assert main(["check", str(SOLUTIONS.parent / "exercises"), "MulLayer", "--min-score", "0"]) == 0
    assert main(["check", str(SOLUTIONS.parent / "exercises"), "MulLayer", "--min-score", "1"]) == 1

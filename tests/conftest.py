"""Shared fixtures: fresh copies of the solutions and stubs, and a way to break them on purpose."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"


def copy_submission(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def mutate(folder: Path, file: str, old: str, new: str) -> Path:
    """Replace one exact snippet in a submission file; fails loudly if the snippet is not there."""
    path = folder / file
    source = path.read_text(encoding="utf-8")
    assert source.count(old) == 1, f"{old!r} must occur exactly once in {file}"
    path.write_text(source.replace(old, new), encoding="utf-8")
    return folder


@pytest.fixture
def solutions_copy(tmp_path) -> Path:
    return copy_submission(SOLUTIONS, tmp_path / "submission")


@pytest.fixture
def stubs_copy(tmp_path) -> Path:
    return copy_submission(EXERCISES, tmp_path / "submission")

"""What `pip install .` puts on a machine: MNIST and the stubs inside `grader`, nothing top-level
that would shadow another package (Hugging Face's `datasets` above all)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from tests.conftest import SOLUTIONS


def installed_files():
    try:
        files = metadata.files("backprop-grader")
    except metadata.PackageNotFoundError:
        pytest.skip("backprop-grader is not installed in this environment")
    if files is None:
        pytest.skip("the installed distribution lists no files")
    return [str(f) for f in files]


def test_no_top_level_packages_besides_grader():
    tops = {f.split("/")[0] for f in installed_files()
            if not f.startswith(("..", "backprop_grader-")) and "/" in f}
    assert tops <= {"grader", "bin", "Scripts"}, tops


def test_wheel_carries_mnist_and_the_stubs():
    files = installed_files()
    if not any(f.startswith("grader/_data/") for f in files):
        pytest.skip("an editable install keeps data in the source tree")
    for name in ("train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "SHA256SUMS", "README.md"):
        assert f"grader/_data/mnist/{name}" in files
    assert "grader/_data/exercises/layers.py" in files


def test_console_script_checks_from_anywhere(tmp_path):
    beside = Path(sys.executable).parent / "grader"
    exe = str(beside) if beside.exists() else shutil.which("grader")
    if exe is None:
        pytest.skip("the grader console script is not on PATH")
    out = subprocess.run([exe, "check", str(SOLUTIONS), "MulLayer", "--format", "json"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr


def test_wheel_carries_the_compiled_catalogs():
    files = installed_files()
    if "grader/__init__.py" not in files:
        pytest.skip("an editable install keeps the catalogs in the source tree")
    for catalog in ("ja", "en", "ko", "zh_CN"):
        assert f"grader/i18n/locale/{catalog}/LC_MESSAGES/grader.mo" in files, catalog

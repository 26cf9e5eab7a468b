"""Running the `grader` command in English and reading the CSV files it writes."""
from __future__ import annotations

import csv
import subprocess
import sys

from tests.conftest import ROOT


def run(*args, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", *map(str, args), "--lang", "en"],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def read(path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))

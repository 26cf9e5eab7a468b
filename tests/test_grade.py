"""`grader grade` over a class that mixes correct, broken, empty and hostile submissions."""
from __future__ import annotations

import csv
import json
import subprocess
import sys

from grader import catalog
from tests.conftest import ROOT, SOLUTIONS, copy_submission, mutate


def test_gradebook_of_a_mixed_class(tmp_path):
    course = tmp_path / "submissions"
    copy_submission(SOLUTIONS, course / "alice")
    mutate(copy_submission(SOLUTIONS, course / "bob"), "layers.py",
           "            dx = (self.y - self.t) / batch_size", "            dx = self.y - self.t")
    (course / "carol").mkdir()
    hostile = copy_submission(SOLUTIONS, course / "dave")
    mutate(hostile, "layers.py", "class MulLayer:", "while True:\n    pass\n\n\nclass MulLayer:")
    output = tmp_path / "out" / "gradebook.csv"
    done = subprocess.run([sys.executable, "-m", "grader", "grade", str(course), "--output", str(output),
                           "--jobs", "2", "--timeout", "3", "--cap", "120"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    with open(output, newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["submission", "score", "max_score", *catalog.ORDER]
    table = {row[0]: row for row in rows[1:]}
    assert list(table) == ["alice", "bob", "carol", "dave"]
    assert table["alice"][1:3] == ["100", "100"]
    bob = dict(zip(rows[0], table["bob"]))
    assert bob["SoftmaxWithLoss"] == "10" and bob["TwoLayerNet"] == "0" and bob["Affine"] == "17"
    assert table["carol"][1] == "0" and table["dave"][1] == "0"
    results = output.with_name("gradebook.results")
    for name in table:
        report = json.loads((results / f"{name}.json").read_text())
        assert float(report["score"]) == float(table[name][1])
    assert "none of the submission files" in json.loads((results / "carol.json").read_text())["output"]
    assert not list(output.parent.glob(".gradebook.csv.*"))  # no temporary file left behind


def test_not_a_folder_is_exit_2(tmp_path):
    done = subprocess.run([sys.executable, "-m", "grader", "grade", str(tmp_path / "nope"), "--output",
                           str(tmp_path / "g.csv")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "not a folder" in done.stderr

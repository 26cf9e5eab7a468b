"""`grader gradebook`: results of several machines merged into one gradebook; duplicates,
mismatched parameters and unstamped files refused, nothing written then."""
from __future__ import annotations

import json
import shutil

import pytest

from grader import catalog, merge
from tests.conftest import ROOT, SOLUTIONS, copy_submission, mutate
from tests.cli_support import read, run


@pytest.fixture(scope="module")
def two_machines(tmp_path_factory):
    """One class graded as two shards, as two machines would: alice correct, bob broken, the rest
    empty folders (quick zeros)."""
    base = tmp_path_factory.mktemp("class")
    course = base / "class"
    copy_submission(SOLUTIONS, course / "alice")
    mutate(copy_submission(SOLUTIONS, course / "bob"), "layers.py",
           "            dx = (self.y - self.t) / batch_size", "            dx = self.y - self.t")
    for name in ("carol", "dave", "erin"):
        (course / name).mkdir()
    folders = []
    for k in (1, 2):
        output = base / f"machine{k}" / "gradebook.csv"
        done = run("grade", course, "--output", output, "--jobs", "1", "--shard", f"{k}/2")
        assert done.returncode == 0, done.stderr
        folders.append(output.with_name("gradebook.results"))
    return base, folders


def test_the_shards_merge_into_the_whole_class(two_machines, tmp_path):
    base, folders = two_machines
    output = tmp_path / "gradebook.csv"
    done = run("gradebook", *folders, "--output", output)
    assert done.returncode == 0, done.stderr
    rows = read(output)
    assert rows[0] == ["submission", "score", "max_score", *catalog.ORDER]
    table = {r[0]: r for r in rows[1:]}
    assert list(table) == ["alice", "bob", "carol", "dave", "erin"]
    assert table["alice"][1] == "100" and float(table["bob"][1]) < 100 and table["carol"][1] == "0"
    for folder in folders:  # the same numbers as each machine's own gradebook
        for row in read(folder.with_name("gradebook.csv"))[1:]:
            assert table[row[0]] == row
    assert "carol" in done.stderr and "could not run or finish" in done.stderr


def test_a_duplicate_is_refused(two_machines, tmp_path):
    base, folders = two_machines
    copy = tmp_path / "again"
    shutil.copytree(folders[0], copy)
    output = tmp_path / "gradebook.csv"
    done = run("gradebook", *folders, copy, "--output", output)
    assert done.returncode == 2 and "has two results" in done.stderr
    assert not output.exists()
    same = run("gradebook", *folders, folders[0] / next(p.name for p in folders[0].glob("*.json")),
               "--output", output)  # the same file reached twice is one file
    assert same.returncode == 0, same.stderr


@pytest.mark.parametrize("key, value", [("seed", 7), ("config_digest", "f" * 64), ("max_score", 90.0),
                                        ("grader_version", "0.0.1")])
def test_mismatched_parameters_are_refused(two_machines, tmp_path, key, value):
    base, folders = two_machines
    moved = tmp_path / "other"
    shutil.copytree(folders[1], moved)
    victim = sorted(moved.glob("*.json"))[0]
    report = json.loads(victim.read_text(encoding="utf-8"))
    report["extra_data"]["grade"][key] = value
    victim.write_text(json.dumps(report), encoding="utf-8")
    output = tmp_path / "gradebook.csv"
    done = run("gradebook", folders[0], moved, "--output", output)
    assert done.returncode == 2, done.stderr
    assert key in done.stderr and str(victim) in done.stderr and "nothing was written" in done.stderr
    assert not output.exists()


def test_results_without_the_stamp_are_refused(tmp_path):
    plain = tmp_path / "alice.json"
    plain.write_text(json.dumps({"score": 100, "max_score": 100, "tests": []}), encoding="utf-8")
    with pytest.raises(merge.MergeError) as caught:
        merge.merge([plain])
    assert caught.value.key == "err.merge_unstamped"
    done = run("gradebook", tmp_path / "nothing-here", "--output", tmp_path / "g.csv")
    assert done.returncode == 2 and "does not exist" in done.stderr


def test_the_class_workflow_uses_only_standard_actions():
    workflow = (ROOT / "examples" / "github-actions" / "grade-class.yml").read_text(encoding="utf-8")
    used = {line.split("uses:", 1)[1].strip().split("@")[0] for line in workflow.splitlines() if "uses:" in line}
    assert used == {"actions/checkout", "actions/setup-python", "actions/upload-artifact",
                    "actions/download-artifact"}
    assert "--shard ${{ matrix.shard }}/${{ strategy.job-total }}" in workflow
    assert "grader gradebook results/*" in workflow

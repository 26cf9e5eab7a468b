"""`grader grade --shard K/N`: every submission in exactly one shard, decided by its name alone."""
from __future__ import annotations

import csv
import subprocess
import sys

import pytest

from grader import shards
from tests.conftest import ROOT, SOLUTIONS, copy_submission

NAMES = [f"student{i:03d}" for i in range(200)] + ["山田", "o'brien", "a b"]


@pytest.mark.parametrize("n", [1, 2, 3, 7])
def test_every_name_in_exactly_one_shard(n):
    members = {k: {name for name in NAMES if shards.shard_of(name, n) == k} for k in range(1, n + 1)}
    assert set().union(*members.values()) == set(NAMES)
    assert sum(len(m) for m in members.values()) == len(NAMES)
    if n > 1:  # a hash spreads them; no shard is empty or holds almost everything
        assert all(len(m) > len(NAMES) / n / 3 for m in members.values())


def test_a_name_keeps_its_shard_whatever_else_the_class_holds():
    assert [shards.shard_of(n, 5) for n in NAMES] == [shards.shard_of(n, 5) for n in reversed(NAMES)][::-1]
    assert shards.shard_of("山田", 4) == shards.shard_of("山田".encode("utf-8"), 4)


@pytest.mark.parametrize("text", ["0/3", "4/3", "1/0", "3", "a/b", "1/2/3"])
def test_bad_shard_specs_are_refused(text):
    with pytest.raises(shards.ShardError):
        shards.parse(text)


def test_two_shards_grade_the_class_once(tmp_path):
    course = tmp_path / "class"
    names = ["alice", "bob", "carol", "dave", "erin", "frank"]
    solved = [n for n in names if shards.shard_of(n, 2) == 1][:1] + [n for n in names if shards.shard_of(n, 2) == 2][:1]
    for name in names:  # two real submissions (one per shard), the rest empty folders (quick zeros)
        if name in solved:
            copy_submission(SOLUTIONS, course / name)
        else:
            (course / name).mkdir(parents=True)
    seen = []
    for k in (1, 2):
        output = tmp_path / f"shard{k}" / "gradebook.csv"
        done = subprocess.run([sys.executable, "-m", "grader", "grade", str(course), "--output", str(output),
                               "--jobs", "1", "--shard", f"{k}/2", "--lang", "en"],
                              cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        with open(output, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert all(shards.shard_of(r["submission"], 2) == k for r in rows)
        assert {p.stem for p in output.with_name("gradebook.results").glob("*.json")} == {r["submission"] for r in rows}
        seen += [r["submission"] for r in rows]
        assert f"shard {k}/2: {len(rows)} submission{'' if len(rows) == 1 else 's'} of" in done.stderr
    assert sorted(seen) == names


def test_a_bad_shard_is_exit_2(tmp_path):
    (tmp_path / "class" / "alice").mkdir(parents=True)
    done = subprocess.run([sys.executable, "-m", "grader", "grade", str(tmp_path / "class"), "--output",
                           str(tmp_path / "g.csv"), "--shard", "3/2"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2 and "--shard" in done.stderr

"""The verdict cache: reused only where nothing an exercise reads has changed, never believed
when damaged, bounded, and off with --no-cache."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader import catalog
from tests.conftest import ROOT, mutate


def check(folder: Path, cache: Path, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "grader", "check", str(folder), *args, "--format", "json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=240,
                          env={**os.environ, "GRADER_CACHE_DIR": str(cache)})
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def reused(report: dict) -> list:
    return report["extra_data"]["reused"]


@pytest.fixture
def cache(tmp_path) -> Path:
    return tmp_path / "cache"


def test_an_unchanged_folder_is_not_graded_again(solutions_copy, cache):
    first = check(solutions_copy, cache)
    second = check(solutions_copy, cache)
    assert reused(first) == []
    assert len(reused(second)) == len(catalog.ORDER)   # the solutions write every extra too
    assert second["score"] == first["score"] == 100
    assert [t["output"] for t in second["tests"]] == [t["output"] for t in first["tests"]]


def test_a_save_re_grades_only_what_reads_the_file(solutions_copy, cache):
    check(solutions_copy, cache)
    (solutions_copy / "buy_apple_orange.py").write_text(
        (solutions_copy / "buy_apple_orange.py").read_text(encoding="utf-8") + "\n# saved again\n", encoding="utf-8")
    again = check(solutions_copy, cache)
    assert "buy_apple_orange" not in reused(again)
    assert set(reused(again)) == {"MulLayer", "AddLayer", "Relu", "Sigmoid", "Affine", "SoftmaxWithLoss",
                                  "TwoLayerNet", "train_neuralnet", *catalog.EXTRAS}


def test_a_changed_verdict_is_graded_anew(solutions_copy, cache):
    check(solutions_copy, cache, "Relu")
    mutate(solutions_copy, "layers.py", "        self.mask = x <= 0\n        out = x.copy()",
           "        self.mask = x <= 0\n        return -x")
    report = check(solutions_copy, cache, "Relu")
    assert reused(report) == []
    assert report["score"] < report["max_score"]


@pytest.mark.parametrize("damage", ["truncate", "forge"])
def test_a_damaged_entry_is_never_believed(stubs_copy, cache, damage):
    """A stub's honest verdict (not started, 0 points) stored, then damaged: cut short, or
    rewritten to say passed without a matching checksum."""
    first = check(stubs_copy, cache, "Relu")
    assert first["score"] == 0
    for entry in (cache / "verdicts").glob("*/*.json"):
        text = entry.read_text(encoding="utf-8")
        entry.write_text(text[: len(text) // 2] if damage == "truncate"
                         else text.replace('"not_started"', '"passed"'), encoding="utf-8")
    again = check(stubs_copy, cache, "Relu")
    assert reused(again) == []
    assert again["score"] == 0


def test_no_cache_grades_everything(solutions_copy, cache):
    check(solutions_copy, cache, "MulLayer")
    assert reused(check(solutions_copy, cache, "MulLayer", "--no-cache")) == []


def test_a_dynamic_import_keys_on_every_file(solutions_copy, cache):
    mutate(solutions_copy, "layers.py", "import numpy as np\n",
           "import numpy as np\nimport importlib\n_helpers = importlib.import_module('functions')\n")
    check(solutions_copy, cache, "MulLayer")
    (solutions_copy / "notes.py").write_text("# anything\n", encoding="utf-8")
    assert reused(check(solutions_copy, cache, "MulLayer")) == []


def test_timeouts_are_not_stored(solutions_copy, cache):
    mutate(solutions_copy, "layers.py", "        self.mask = x <= 0\n        out = x.copy()",
           "        while True:\n            pass")
    check(solutions_copy, cache, "Relu", "--timeout", "2")
    assert reused(check(solutions_copy, cache, "Relu", "--timeout", "2")) == []


def test_the_cache_is_bounded(tmp_path, monkeypatch):
    from grader import verdicts
    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path))
    for i in range(12):
        shard = verdicts.folder() / f"{i:02x}"
        shard.mkdir(parents=True, exist_ok=True)
        (shard / f"{i:064x}.json").write_text("x" * 100)
        os.utime(shard / f"{i:064x}.json", (1000 + i, 1000 + i))
    verdicts.prune(limit_entries=5, limit_bytes=10_000)
    left = sorted(p.name for p in verdicts.folder().glob("*/*.json"))
    assert left == [f"{i:064x}.json" for i in range(7, 12)]  # the most recently used
    verdicts.prune(limit_entries=100, limit_bytes=250)
    assert len(list(verdicts.folder().glob("*/*.json"))) == 2


def test_another_seed_or_configuration_is_graded_anew(solutions_copy, cache, tmp_path):
    check(solutions_copy, cache, "MulLayer")
    assert reused(check(solutions_copy, cache, "MulLayer", "--seed", "7")) == []
    config = tmp_path / "grader.toml"
    config.write_text("[points.MulLayer]\nforward = 4\nbackward = 6\n", encoding="utf-8")
    report = check(solutions_copy, cache, "MulLayer", "--config", str(config))
    assert reused(report) == [] and report["max_score"] == 10
    assert reused(check(solutions_copy, cache, "MulLayer", "--config", str(config))) == ["MulLayer"]


def test_two_concurrent_runs_share_the_cache(solutions_copy, cache):
    command = [sys.executable, "-m", "grader", "check", str(solutions_copy), "Relu", "Sigmoid", "--format", "json"]
    env = {**os.environ, "GRADER_CACHE_DIR": str(cache)}
    runs = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
            for _ in range(2)]
    reports = []
    for proc in runs:
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
        reports.append(json.loads(out))
    assert [r["score"] for r in reports] == [16, 16]
    assert not list((cache / "verdicts").glob("*/*.tmp"))
    assert sorted(reused(check(solutions_copy, cache, "Relu", "Sigmoid"))) == ["Relu", "Sigmoid"]


def test_a_private_cache_folder_still_serves_the_workers(solutions_copy, tmp_path):
    """GRADER_CACHE_DIR made by `mktemp -d` (mode 700): a worker running as nobody still reaches
    MNIST inside it, and the verdicts in it stay private."""
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    report = check(solutions_copy, private, "train_neuralnet")
    assert report["score"] == report["max_score"], [t["output"] for t in report["tests"]]
    assert (private / "verdicts").stat().st_mode & 0o077 == 0


def _training_result(W1) -> "ExerciseResult":
    from grader.results import CheckResult, ExerciseResult, State
    check = CheckResult(exercise="train_neuralnet", check="accuracy", state=State.PASSED, max_score=18.0,
                        extra={"curve": [(0, 0.1), (100, 0.8)], "W1": W1, "picture": {"Z": W1[:20, :10]}})
    return ExerciseResult(exercise="train_neuralnet", file="two_layer_net.py", checks=(check,))


def test_a_large_array_is_stored_as_its_bytes_and_comes_back_the_same():
    import numpy as np

    from grader.verdicts import decode, encode, stored_array
    W1 = np.random.default_rng(0).standard_normal((784, 50)).astype(np.float32)
    body = encode(_training_result(W1))
    assert len(json.dumps(body)) < 250_000          # 39,200 numbers as a list made 0.9 MB
    extra = decode(body).checks[0].extra
    back = stored_array(extra["W1"])
    assert back.dtype == np.float32 and np.array_equal(back, W1)
    assert np.array_equal(stored_array(extra["picture"]["Z"]), W1[:20, :10])   # small: a list
    assert stored_array([[1, 2], [3, 4]]).shape == (2, 2)


def test_a_stored_training_verdict_keeps_its_picture_of_W1(solutions_copy, cache):
    from grader import verdicts
    check(solutions_copy, cache, "MulLayer", "TwoLayerNet", "train_neuralnet")
    stored = [json.loads(p.read_text(encoding="utf-8")) for p in (cache / "verdicts").glob("*/*.json")]
    (training,) = [s for s in stored if s["result"]["exercise"] == "train_neuralnet"]
    W1 = verdicts.stored_array(training["result"]["checks"][0]["extra"]["W1"])
    assert W1.shape == (784, 50)
    assert "train_neuralnet" in reused(check(solutions_copy, cache, "MulLayer", "TwoLayerNet", "train_neuralnet"))

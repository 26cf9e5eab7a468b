"""`grader check` starts its workers before its heavy imports, and sends no request that could
run student code before everything the parent uses is imported."""
from __future__ import annotations

import argparse

import pytest

from grader import plan as planning
from grader.commands import check
from grader.config import Config
from grader.sandbox import session as sessions
from grader.settings import Budgets, Settings


def record_order(monkeypatch) -> list[str]:
    events: list[str] = []
    real_init, real_submit = sessions.WorkerSession.__init__, sessions.WorkerSession.submit

    def init(self, *args, **kwargs):
        events.append("worker started")
        real_init(self, *args, **kwargs)

    def submit(self, op, **fields):
        events.append(f"request {op}")
        return real_submit(self, op, **fields)

    monkeypatch.setattr(sessions.WorkerSession, "__init__", init)
    monkeypatch.setattr(sessions.WorkerSession, "submit", submit)
    return events


def arguments(**given) -> argparse.Namespace:
    defaults = dict(format="json", output=None, plot=None, no_cache=True, seed=None, timeout=None, memory_mb=None,
                    sandbox=None, no_config=True, config=None)
    return argparse.Namespace(**{**defaults, **given})


def checked(folder, monkeypatch, cores: int, ids=()):
    monkeypatch.setattr(planning, "machine_cores", lambda: cores)
    monkeypatch.delenv("GRADER_CORES", raising=False)
    events = record_order(monkeypatch)
    report = check._grade(folder, list(ids), arguments(), Config(), "en",
                          lambda *args, **kwargs: events.append("parent imported"))
    return report, events


# (cores, exercises, workers started before the parent's imports, workers started after them)
@pytest.mark.parametrize("cores, ids, early, late", [
    (2, (), 1, 1),             # the MNIST run's worker first; the others' when needed
    (3, (), 2, 0),             # both at once, where a third core lets them boot side by side
    (2, ("Affine",), 1, 0)])   # the only worker
def test_workers_boot_while_the_parent_imports(solutions_copy, monkeypatch, cores, ids, early, late):
    report, events = checked(solutions_copy, monkeypatch, cores, ids)
    assert report.score == report.max_score
    ready = events.index("parent imported")
    assert events[:ready] == ["worker started"] * early
    assert events[ready:].count("worker started") == late


def test_no_training_worker_when_there_is_one_core(solutions_copy, monkeypatch):
    monkeypatch.setenv("GRADER_CORES", "1")
    decided = planning.make(solutions_copy, None, Settings(), Budgets())
    assert not planning.trains_ahead(decided)


@pytest.mark.parametrize("ids", [["Affine"], ["train_neuralnet"]])
def test_training_ahead_only_with_something_beside_it(solutions_copy, monkeypatch, ids):
    monkeypatch.setattr(planning, "machine_cores", lambda: 2)
    monkeypatch.delenv("GRADER_CORES", raising=False)
    decided = planning.make(solutions_copy, ids, Settings(), Budgets())
    # train_neuralnet alone still brings its dependencies: it trains ahead of them
    assert planning.trains_ahead(decided) is ("train_neuralnet" in ids)


def test_a_stored_training_verdict_means_no_training_worker(solutions_copy, monkeypatch):
    monkeypatch.setattr(planning, "machine_cores", lambda: 2)
    monkeypatch.delenv("GRADER_CORES", raising=False)
    keys = planning.make(solutions_copy, None, Settings(), Budgets(), cache=True).keys
    stored = object()
    monkeypatch.setattr(planning.verdicts, "load",
                        lambda key: stored if key == keys["train_neuralnet"] else None)
    decided = planning.make(solutions_copy, None, Settings(), Budgets(), cache=True)
    assert decided.reused == {"train_neuralnet": stored} and not planning.trains_ahead(decided)

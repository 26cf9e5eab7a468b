"""`grader check` starts the MNIST run's worker before its heavy imports, and sends no request
that could run student code before everything the parent uses is imported."""
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


def test_training_worker_starts_before_the_writers_are_imported(solutions_copy, monkeypatch):
    monkeypatch.setattr(planning, "machine_cores", lambda: 2)
    monkeypatch.delenv("GRADER_CORES", raising=False)
    events = record_order(monkeypatch)
    report = check._grade(solutions_copy, [], arguments(), Config(), "en",
                          lambda *args, **kwargs: events.append("parent imported"))
    assert report.score == report.max_score
    ready = events.index("parent imported")
    assert events[0] == "worker started" and ready > 0      # the MNIST worker boots meanwhile
    assert all(not e.startswith("request") for e in events[:ready])


def test_no_training_worker_when_there_is_one_core(solutions_copy, monkeypatch):
    monkeypatch.setenv("GRADER_CORES", "1")
    decided = planning.make(solutions_copy, None, Settings(), Budgets())
    assert planning.start_training_worker(decided, Budgets().limits) is None


@pytest.mark.parametrize("ids", [["Affine"], ["train_neuralnet"]])
def test_no_training_worker_for_one_exercise_or_none_to_train(solutions_copy, monkeypatch, ids):
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

"""Training runs ahead on a second core only when the run has one to spare."""
from __future__ import annotations

from grader import plan, runner
from grader.checks.context import Settings


def ahead_for(solutions_copy, monkeypatch, cores: str | None):
    if cores is None:
        monkeypatch.delenv("GRADER_CORES", raising=False)
    else:
        monkeypatch.setenv("GRADER_CORES", cores)
    monkeypatch.setattr(plan.os, "sched_getaffinity", lambda _: {0, 1}, raising=False)
    started = []
    monkeypatch.setattr(runner, "Ahead", lambda *a, **k: started.append(a) or "ahead")
    decided = plan.make(solutions_copy, None, Settings(), runner.Budgets())
    result = runner._start_training_ahead(decided, Settings(), runner.Budgets(), None, run_deadline=1e12)
    return result, started


def test_two_cores_run_training_ahead(solutions_copy, monkeypatch):
    assert ahead_for(solutions_copy, monkeypatch, None)[0] == "ahead"


def test_one_core_for_this_run_means_no_second_worker(solutions_copy, monkeypatch):
    result, started = ahead_for(solutions_copy, monkeypatch, "1")
    assert result is None and not started


def test_a_nonsense_core_count_is_ignored(solutions_copy, monkeypatch):
    monkeypatch.setenv("GRADER_CORES", "lots")
    monkeypatch.setattr(plan.os, "sched_getaffinity", lambda _: {0, 1, 2}, raising=False)
    assert plan.cores_for_this_run() == 3


def test_grade_shares_the_cores_among_its_jobs(monkeypatch):
    from grader.commands import grade
    monkeypatch.setattr(plan, "machine_cores", lambda: 2)
    assert grade.cores_per_job(2) == 1 and grade.cores_per_job(1) == 2 and grade.cores_per_job(8) == 1

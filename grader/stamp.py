"""What a class's results file carries so that it can be reused on a resumed run and merged with
other machines' results: the grader version, the seed, a digest of the configuration that decides
scores, the maximum score, and a digest of the submission's `.py` files.

`grader grade` writes these under `extra_data.grade` of each results.json (Gradescope ignores keys
it does not know); `grader gradebook` refuses results whose class parameters differ.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from grader import __version__, catalog

# The keys that must agree for two results to belong to the same gradebook.
CLASS_KEYS = ("grader_version", "seed", "config_digest", "max_score")


def configuration_digest(config, budgets) -> str:
    """sha256 over what changes a score: every check's points, the MNIST target and budget, the
    course's file layout and the time and memory limits. The file the configuration came from
    does not count (the same table from two paths is the same configuration)."""
    points = {e.id: {c.name: float(config.points.get(e.id, {}).get(c.name, c.points)) for c in e.checks}
              for e in catalog.EXERCISES}
    described = {
        "points": points,
        "mnist_target": config.mnist_target,
        "mnist_max_iterations": config.mnist_max_iterations,
        "files": dict(sorted(config.files.items())),
        "timeout": budgets.exercise,
        "training_timeout": budgets.training,
        "run_timeout": budgets.run,
        "memory_mb": budgets.limits.memory_mb,
    }
    canonical = json.dumps(described, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def submission_digest(folder: Path) -> str:
    """sha256 over the relative path and bytes of every `.py` file the worker would be given
    (the same walk as the worker's snapshot: links out of the folder, `__pycache__` and
    virtual environments are not part of a submission)."""
    from grader.sandbox import snapshot
    digest = hashlib.sha256()
    count = 0
    for relative, fd in snapshot._python_files(Path(os.path.realpath(folder))):
        try:
            size = os.fstat(fd).st_size
            digest.update(relative.encode("utf-8") + b"\0" + str(size).encode() + b"\0")
            if size <= snapshot.MAX_FILE_BYTES:  # a larger file is refused by the check anyway
                digest.update(snapshot._read(fd, size))
        finally:
            os.close(fd)
        count += 1
        if count > snapshot.MAX_FILES:
            break
    return digest.hexdigest()


def class_parameters(seed: int, config_digest: str, max_score: float) -> dict:
    return {"grader_version": __version__, "seed": seed, "config_digest": config_digest,
            "max_score": float(max_score)}


def stamp(report: dict, name: str, files_digest: str, parameters: dict, complete: bool) -> dict:
    """The report with `extra_data.grade` filled in. `complete` is false for a report the grade
    command wrote itself (a check that crashed, was capped or was interrupted): such a submission
    is graded again on the next run."""
    extra = report.setdefault("extra_data", {})
    extra["grade"] = {**parameters, "submission": name, "files_sha256": files_digest, "complete": complete}
    return report


def stamp_of(report: dict) -> dict | None:
    extra = report.get("extra_data") if isinstance(report, dict) else None
    grade = extra.get("grade") if isinstance(extra, dict) else None
    return grade if isinstance(grade, dict) else None


def reusable(report: dict, name: str, files_digest: str, parameters: dict) -> bool:
    """A complete result for this submission, as its files are now, under these parameters."""
    found = stamp_of(report)
    if not found or found.get("complete") is not True:
        return False
    if found.get("submission") != name or found.get("files_sha256") != files_digest:
        return False
    return all(found.get(key) == parameters[key] for key in CLASS_KEYS)

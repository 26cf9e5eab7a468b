"""The CSV gradebook: one row per submission, written atomically (and any other file the class
commands write, through the same rename)."""
from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path


def exercise_scores(report: dict, exercise_ids) -> dict[str, float]:
    """Sum each exercise's check scores from a results.json."""
    scores = {e: 0.0 for e in exercise_ids}
    for test in report.get("tests", []):
        exercise = test.get("extra_data", {}).get("exercise")
        if exercise in scores:
            scores[exercise] += float(test.get("score", 0))
    return scores


def exercise_cells(report: dict, exercise_ids) -> list[str]:
    """Each exercise's score as text; blank for an exercise the run did not grade (an extra
    left unwritten is not a zero)."""
    from grader.catalog import is_extra
    scores = exercise_scores(report, exercise_ids)
    graded = {test.get("extra_data", {}).get("exercise") for test in report.get("tests", [])}
    return [f"{scores[e]:g}" if e in graded or not is_extra(e) else "" for e in exercise_ids]



def rows(graded, exercise_ids) -> list[list]:
    table = [["submission", "score", "max_score", *exercise_ids]]
    for name, report in graded:
        table.append([name, f"{float(report.get('score', 0)):g}", f"{float(report.get('max_score', 0)):g}",
                      *exercise_cells(report, exercise_ids)])
    return table


def write_csv(path: Path, graded, exercise_ids) -> None:
    write_table(path, rows(graded, exercise_ids))


def write_table(path: Path, table) -> None:
    """Any table as CSV, atomically."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(table)
    write_atomically(path, buffer.getvalue())


def write_atomically(path: Path, text: str) -> None:
    """Write beside the target and rename: readers see the old file or the new, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise

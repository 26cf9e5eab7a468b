"""Which exercises a run grades: the ones named, else the core and every extra that is written.

An extra lies outside the default 100 points. Left alone it is not graded at all: it is no
failure and changes neither score nor max_score. It is graded when named on the command line
(`grader check exercises sigmoid_graph`) or once it is written: its file is in the submission
and at least one of its methods is no longer the stub's raise (or the given code it is to
correct has changed). Read from the source with ast,
like every other decision made before a worker starts (no numpy here: the stored-verdict fast
path uses this too).
"""
from __future__ import annotations

from grader import catalog


def written(layout, exercise: catalog.Exercise) -> bool:
    """Whether the student has started `exercise`: its file exists and something of it is written."""
    from grader.stubs import corrected, unwritten
    file = layout.exercise_file(exercise.id)
    if not (layout.root / file).is_file():
        return False
    return (len(unwritten(layout.root, exercise, file)) < len(exercise.writes)
            or bool(corrected(layout.root, exercise, file)))


def selected(layout, ids=None) -> list[str]:
    """The exercise ids to grade, in catalogue order (the core first, then the extras)."""
    if ids:
        return catalog.with_dependencies(ids)
    extras = {e.id for e in catalog.EXERCISES if e.extra and written(layout, e)}
    return [e.id for e in catalog.EXERCISES if not e.extra or e.id in extras]


def unselected_extras(layout, ids=None) -> list[str]:
    """The extras a run with `ids` leaves out (`grader list` still shows them, with their state)."""
    chosen = set(selected(layout, ids))
    return [e.id for e in catalog.EXERCISES if e.extra and e.id not in chosen]

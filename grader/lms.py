"""Gradebook tables in the layouts learning-management systems import. Writers only render: the
matching of folders to students is grader/roster.py's, the merging of results grader/merge.py's.

- csv: our own: per-exercise points; with a roster, the student's columns first and a `note`
  column saying which rows have no roster row or no submission.
- moodle: "Import grades from CSV" (Grades > Import > CSV file) maps any column to a user field
  and any column to a grade item: map `ID number` to useridnumber (or `Email address` to
  useremail) and the assignment's column to the grade item.
- canvas: the columns of Canvas's own gradebook export, which its gradebook import reads back:
  `Student`, `ID`, `SIS User ID`, `SIS Login ID`, `Section`, then one column named for the
  assignment, under a `Points Possible` row.
- google-classroom: a student's email address and the grade, in a column named for the assignment.

Grades are on the configuration's scale (its maximum score), or rescaled with `out_of`.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Entry:
    """One gradebook line: a submission and its student; either may be missing."""
    folder: str | None
    student: object | None  # grader.roster.Student
    report: dict | None
    note: str = ""


# For each LMS format, the roster column every row must have (the LMS's identifier).
IDENTIFIER = {"moodle": ("student_id", "email"), "canvas": ("student_id", "canvas_id", "login_id"),
              "google-classroom": ("email",)}


def grade_of(report: dict | None, max_score: float, out_of: float | None) -> str:
    if report is None:
        return ""
    score = float(report.get("score", 0))
    if out_of is not None and max_score:
        score = score * out_of / max_score
    return f"{round(score, 2):g}"


def csv_table(entries, exercise_ids, max_score, out_of) -> list[list[str]]:
    from grader.gradebook import exercise_cells
    with_roster = any(e.student is not None or e.note for e in entries)
    head = ["student_id", "email", "name"] if with_roster else []
    table = [[*head, "submission", "score", "max_score", *exercise_ids, *(["note"] if with_roster else [])]]
    scale = out_of if out_of is not None else max_score
    for e in entries:
        s = e.student
        who = [s.student_id, s.email, s.name] if s is not None else ["", "", ""]
        if e.report is None:
            per = ["" for _ in exercise_ids]
        else:
            per = exercise_cells(e.report, exercise_ids)
        table.append([*(who if with_roster else []), e.folder or "", grade_of(e.report, max_score, out_of),
                      f"{scale:g}", *per, *([e.note] if with_roster else [])])
    return table


def moodle_table(entries, assignment, max_score, out_of) -> list[list[str]]:
    table = [["ID number", "Email address", "Full name", assignment]]
    for e in entries:
        table.append([e.student.student_id, e.student.email, e.student.name, grade_of(e.report, max_score, out_of)])
    return table


def canvas_table(entries, assignment, max_score, out_of) -> list[list[str]]:
    scale = out_of if out_of is not None else max_score
    table = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment],
             ["Points Possible", "", "", "", "", f"{scale:g}"]]
    for e in entries:
        s = e.student
        table.append([s.name, s.canvas_id, s.student_id, s.login_id, s.section,
                      grade_of(e.report, max_score, out_of)])
    return table


def google_classroom_table(entries, assignment, max_score, out_of) -> list[list[str]]:
    table = [["Email Address", assignment]]
    for e in entries:
        table.append([e.student.email, grade_of(e.report, max_score, out_of)])
    return table


LMS_WRITERS = {"moodle": moodle_table, "canvas": canvas_table, "google-classroom": google_classroom_table}
FORMATS = ("csv", *LMS_WRITERS)

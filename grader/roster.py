"""The class roster: which student each submission folder belongs to.

A CSV file (UTF-8, a byte-order mark from Excel is fine) with a header row; column names are
case-insensitive:

    submission    the submission's folder name              } at least one of the two
    github        the student's GitHub user name            }
    student_id    the institution's id (Moodle's "ID number", Canvas's "SIS User ID")
    email         the address the LMS knows the student by
    name          the student's full name
    section       optional: the course section (Canvas)
    canvas_id     optional: Canvas's own user id (the "ID" column of its gradebook export)
    login_id      optional: Canvas's "SIS Login ID"

A folder belongs to the row whose `submission` is its name, else whose `github` is its name or
ends it after a hyphen (GitHub Classroom names repositories `<assignment>-<user>`), the longest
such user winning; GitHub user names compare case-insensitively.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

COLUMNS = ("submission", "github", "student_id", "email", "name", "section", "canvas_id", "login_id")


class RosterError(Exception):
    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Student:
    line: int
    submission: str = ""
    github: str = ""
    student_id: str = ""
    email: str = ""
    name: str = ""
    section: str = ""
    canvas_id: str = ""
    login_id: str = ""

    @property
    def label(self) -> str:
        return self.name or self.email or self.student_id or self.submission or self.github


def read(path: Path) -> tuple[list[Student], set[str]]:
    """The roster's students and the columns it has."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            table = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError) as exc:
        raise RosterError("err.roster_unreadable", path=path, reason=str(exc)) from None
    if not table:
        raise RosterError("err.roster_columns", path=path, columns=", ".join(COLUMNS))
    header = [h.strip().lower() for h in table[0]]
    known = {h for h in header if h in COLUMNS}
    if not known & {"submission", "github"}:
        raise RosterError("err.roster_columns", path=path, columns=", ".join(COLUMNS))
    students, keys = [], {}
    for number, row in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {h: cell.strip() for h, cell in zip(header, row) if h in COLUMNS}
        student = Student(line=number, **values)
        if not (student.submission or student.github):
            raise RosterError("err.roster_no_key", path=path, line=number)
        for key in (f"submission:{student.submission}" if student.submission else "",
                    f"github:{student.github.lower()}" if student.github else ""):
            if key and key in keys:
                raise RosterError("err.roster_duplicate", path=path, line=number, other=keys[key],
                                  value=key.split(":", 1)[1])
            if key:
                keys[key] = number
        students.append(student)
    return students, known


def owner(folder: str, students: list[Student]) -> Student | None:
    for student in students:
        if student.submission and student.submission == folder:
            return student
    lowered = folder.lower()
    best = None
    for student in students:
        user = student.github.lower()
        if user and (lowered == user or lowered.endswith("-" + user)):
            if best is None or len(user) > len(best.github):
                best = student
    return best


def match(folders, students: list[Student]):
    """([(folder, student)], folders without a roster row, students without a submission).
    A student claimed by two folders is refused: the gradebook would have to pick one."""
    pairs, unmatched, claimed = [], [], {}
    for folder in folders:
        student = owner(folder, students)
        if student is None:
            unmatched.append(folder)
            continue
        if student.line in claimed:
            raise RosterError("err.roster_two_folders", student=student.label, first=claimed[student.line],
                              second=folder)
        claimed[student.line] = folder
        pairs.append((folder, student))
    absent = [s for s in students if s.line not in claimed]
    return pairs, unmatched, absent

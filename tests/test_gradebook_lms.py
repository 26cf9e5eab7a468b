"""`grader gradebook --format moodle|canvas|google-classroom --roster ... --assignment ...`: the
column layouts each LMS's grade import reads, students matched by folder or GitHub user, and
nobody dropped silently."""
from __future__ import annotations

import json

import pytest

from grader import roster
from tests.conftest import SOLUTIONS, copy_submission
from tests.cli_support import read, run

ASSIGNMENT = "Chapter 5: backprop"
ROSTER = """\ufeffGitHub,Submission,Student_ID,Email,Name,Section
alice-gh,,S001,alice@example.edu,"Sato, Alice",Mon
,bob,S002,bob@example.edu,Bob Brown,Tue
dan,,S004,dan@example.edu,Dan Doe,Mon
"""


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """hw5-alice-gh (GitHub Classroom's <assignment>-<user> name) correct, bob and zoe empty."""
    base = tmp_path_factory.mktemp("lms")
    course = base / "class"
    copy_submission(SOLUTIONS, course / "hw5-alice-gh")
    (course / "bob").mkdir()
    (course / "zoe").mkdir()
    output = base / "gradebook.csv"
    done = run("grade", course, "--output", output, "--jobs", "1")
    assert done.returncode == 0, done.stderr
    (base / "roster.csv").write_text(ROSTER, encoding="utf-8")
    results = output.with_name("gradebook.results")
    scores = {p.stem: json.loads(p.read_text(encoding="utf-8"))["score"] for p in results.glob("*.json")}
    return base, results, scores


def gradebook(graded, fmt, *extra):
    base, results, _ = graded
    output = base / f"{fmt}.csv"
    done = run("gradebook", results, "--output", output, "--format", fmt, "--roster", base / "roster.csv",
               "--assignment", ASSIGNMENT, *extra)
    assert done.returncode == 0, done.stderr
    return read(output), done.stderr


def unlisted(stderr):
    """Every submission without a roster row and every student without a submission is named."""
    assert "zoe" in stderr and "Dan Doe" in stderr


def test_moodle(graded):
    rows, err = gradebook(graded, "moodle")
    assert rows[0] == ["ID number", "Email address", "Full name", ASSIGNMENT]
    alice = graded[2]["hw5-alice-gh"]
    assert rows[1:] == [["S001", "alice@example.edu", "Sato, Alice", f"{alice:g}"],
                        ["S002", "bob@example.edu", "Bob Brown", "0"]]
    unlisted(err)


def test_canvas(graded):
    rows, err = gradebook(graded, "canvas")
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", ASSIGNMENT]
    assert rows[1] == ["Points Possible", "", "", "", "", "100"]
    assert [r[0] for r in rows[2:]] == ["Sato, Alice", "Bob Brown"]
    assert [(r[2], r[4]) for r in rows[2:]] == [("S001", "Mon"), ("S002", "Tue")]
    unlisted(err)


def test_google_classroom_rescaled(graded):
    rows, err = gradebook(graded, "google-classroom", "--out-of", "10")
    assert rows[0] == ["Email Address", ASSIGNMENT]
    alice = graded[2]["hw5-alice-gh"]
    assert rows[1:] == [["alice@example.edu", f"{round(alice / 10, 2):g}"], ["bob@example.edu", "0"]]
    unlisted(err)


def test_csv_with_a_roster_notes_who_is_missing(graded):
    rows, err = gradebook(graded, "csv")
    header = rows[0]
    assert header[:4] == ["student_id", "email", "name", "submission"] and header[-1] == "note"
    by_folder = {r[3]: dict(zip(header, r)) for r in rows[1:]}
    assert by_folder["hw5-alice-gh"]["student_id"] == "S001" and by_folder["hw5-alice-gh"]["note"] == ""
    assert by_folder["zoe"]["note"] == "no roster row" and by_folder["zoe"]["student_id"] == ""
    assert by_folder[""]["name"] == "Dan Doe" and by_folder[""]["note"] == "no submission"
    assert by_folder[""]["score"] == ""  # no submission is not a zero the grader invented
    unlisted(err)


def test_an_lms_format_needs_a_roster_and_an_assignment(graded):
    base, results, _ = graded
    done = run("gradebook", results, "--output", base / "x.csv", "--format", "canvas")
    assert done.returncode == 2 and "--roster" in done.stderr


def test_the_lms_identifier_must_be_in_the_roster(graded, tmp_path):
    base, results, _ = graded
    no_email = tmp_path / "roster.csv"
    no_email.write_text("github,student_id,name\nalice-gh,S001,Alice\n", encoding="utf-8")
    done = run("gradebook", results, "--output", tmp_path / "g.csv", "--format", "google-classroom",
               "--roster", no_email, "--assignment", ASSIGNMENT)
    assert done.returncode == 2 and "email" in done.stderr
    assert not (tmp_path / "g.csv").exists()


def test_roster_matching(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("github,submission,email\nbob,,b@x\njim-bob,,j@x\n,carol-repo,c@x\n", encoding="utf-8")
    students, columns = roster.read(path)
    assert {"github", "submission", "email"} <= columns
    pairs, unmatched, absent = roster.match(["hw5-jim-bob", "hw5-BOB", "carol-repo", "nobody"], students)
    assert [(f, s.email) for f, s in pairs] == [("hw5-jim-bob", "j@x"), ("hw5-BOB", "b@x"), ("carol-repo", "c@x")]
    assert unmatched == ["nobody"] and absent == []
    with pytest.raises(roster.RosterError):
        roster.match(["bob", "hw5-bob"], students)  # one student, two folders
    path.write_text("github,email\nbob,a@x\nBOB,b@x\n", encoding="utf-8")
    with pytest.raises(roster.RosterError):
        roster.read(path)  # the same GitHub user twice

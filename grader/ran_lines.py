"""In the worker: which lines of the student's functions ran, in the latest run of each.

A wrong value has no traceback. When the function that computed it assigns the quantity on both
sides of a branch (one-hot labels or class indices), its source alone cannot say which line made
the value; the lines that ran can. The parent asks for them only to choose among the lines its own
reading of the source already found (grader.checks.lines): a student who tampers with this record
can only misplace the pointer of their own report, never change a verdict.

Only calls the parent makes one at a time are traced (not the MNIST run's steps), and only frames
of files under the submission are followed line by line: numpy's own Python is never traced.
"""
from __future__ import annotations

import sys


class RanLines:
    def __init__(self, is_student_file, relative):
        self._is_student_file = is_student_file
        self._relative = relative
        self._student_code: dict = {}     # code object -> (file, first line), or None: not ours
        self._latest: dict = {}           # (file, first line) -> lines of its latest run

    def _ours(self, code):
        known = self._student_code.get(code, False)
        if known is False:
            known = ((self._relative(code.co_filename), code.co_firstlineno)
                     if self._is_student_file(code.co_filename) else None)
            self._student_code[code] = known
        return known

    def _tracer(self, frame, event, arg):
        if event != "call":
            return None
        key = self._ours(frame.f_code)
        if key is None:
            return None
        lines = self._latest[key] = set()

        def line_by_line(frame, event, arg):
            if event == "line":
                lines.add(frame.f_lineno)
            return line_by_line
        return line_by_line

    def run(self, call):
        """`call()` with its student frames traced; returns what it returns."""
        previous = sys.gettrace()
        sys.settrace(self._tracer)
        try:
            return call()
        finally:
            sys.settrace(previous)

    def of(self, file: str, first_line: int) -> list[int]:
        """The lines that ran in the latest run of the function defined at `file`:`first_line`."""
        return sorted(self._latest.get((file, first_line), ()))

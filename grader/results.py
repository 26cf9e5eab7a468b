"""Verdicts as plain data. Checks build these; writers render them; nothing here prints."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Mapping


class State(str, Enum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    TIMEOUT = "timeout"
    NOT_STARTED = "not_started"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Message:
    """A sentence to be rendered later in the reader's language: a catalogue key and its values."""
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Comparison:
    """Expected against got for one named quantity (dx, dW, loss, ...)."""
    quantity: str
    expected: str
    got: str
    worst_error: float | None = None
    threshold: float | None = None
    where: str | None = None          # index of the worst entry, e.g. "[1, 3]"


@dataclass(frozen=True)
class SourceLine:
    """A line of the student's own file where an exception passed."""
    file: str
    line: int
    function: str
    code: str


@dataclass(frozen=True)
class CheckResult:
    exercise: str
    check: str                        # e.g. "backward", shown as "Relu.backward"
    state: State
    max_score: float
    message: Message | None = None    # what went wrong, in words
    comparison: Comparison | None = None
    diagnosis: Message | None = None  # a recognisable relation to the right answer
    exception: str | None = None      # "ZeroDivisionError: division by zero"
    location: tuple[SourceLine, ...] = ()
    hint: Message | None = None
    duration: float = 0.0
    extra: Mapping[str, Any] = field(default_factory=dict)
    note: Message | None = None       # how it ran: e.g. without a dependency's failing check

    @property
    def score(self) -> float:
        return self.max_score if self.state is State.PASSED else 0.0

    @property
    def name(self) -> str:
        return f"{self.exercise}.{self.check}"


@dataclass(frozen=True)
class ExerciseResult:
    exercise: str
    file: str
    checks: tuple[CheckResult, ...]
    output: str = ""                  # what student code printed while this exercise ran
    duration: float = 0.0
    reused: bool = False              # taken from the verdict cache: nothing it reads changed
    import_output: str = ""           # what it printed while `file` was first imported

    @property
    def state(self) -> State:
        """The state of the first check that did not pass, in check order."""
        for check in self.checks:
            if check.state is not State.PASSED:
                return check.state
        return State.PASSED

    @property
    def score(self) -> float:
        return sum(c.score for c in self.checks)

    @property
    def max_score(self) -> float:
        return sum(c.max_score for c in self.checks)

    @property
    def first_problem(self) -> CheckResult | None:
        return next((c for c in self.checks if c.state is not State.PASSED), None)


@dataclass(frozen=True)
class Report:
    submission: str
    exercises: tuple[ExerciseResult, ...]
    seed: int
    duration: float
    selected_all: bool = True
    sandbox: dict | None = None     # policy.Applied.to_dict() of the workers, None if none ran
    # Where the classes came from (grader.layout.summary): kind, {name: file}, notes.
    layout: Mapping[str, Any] = field(default_factory=dict)

    @property
    def score(self) -> float:
        return round(sum(e.score for e in self.exercises), 6)

    @property
    def max_score(self) -> float:
        return round(sum(e.max_score for e in self.exercises), 6)

    @property
    def checks(self) -> tuple[CheckResult, ...]:
        return tuple(c for e in self.exercises for c in e.checks)

    @property
    def passed(self) -> bool:
        return all(e.state is State.PASSED for e in self.exercises)

    def next_exercise(self) -> ExerciseResult | None:
        return next((e for e in self.exercises if e.state is not State.PASSED), None)

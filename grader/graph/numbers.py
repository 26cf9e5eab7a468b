"""How a value is written on a drawing: short, and never equal to the expected one when wrong."""
from __future__ import annotations

from grader.graph.model import Value

DIGITS = 4          # significant digits of a value that is right
MOST_DIGITS = 12    # a wrong value gets more, until it no longer reads like the expected one


def number_text(value: float | None, digits: int = DIGITS) -> str:
    if value is None:
        return "?"
    text = f"{value:.{digits}g}"
    return "0" if text == "-0" else text


def value_texts(value: Value) -> tuple[str, str | None]:
    """(what the student got, the expected value or None when the value is right)."""
    if not value.wrong:
        return number_text(value.got), None
    digits = DIGITS
    while (digits < MOST_DIGITS and value.got is not None
           and number_text(value.got, digits) == number_text(value.expected, digits)):
        digits += 1
    return "✘" + number_text(value.got, digits), f"({number_text(value.expected, digits)})"

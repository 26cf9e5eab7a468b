"""The book's buy_apple_orange.py is a script that prints: run it in the worker, judge its printout here.

What it printed is only data: it is parsed line by line for the six labels the book prints
(`price: 715`, `dApple: 2.2`, ...) and each number is compared with the graph's true value,
allowing exactly the rounding its printed digits imply (the book prints the price with int()).
"""
from __future__ import annotations

import re

from grader.compare import CheckFailed
from grader.results import Comparison, Message

_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z_ ]*?)\s*[:=]\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$")


def _label(text: str) -> str:
    return re.sub(r"[\s_]+", "_", text.strip()).lower()


def parse_printed(printed: str) -> dict[str, str]:
    """{label in lower case: the number as printed}, first occurrence of each label."""
    found: dict[str, str] = {}
    for line in printed.splitlines():
        match = _LINE.match(line)
        if match:
            found.setdefault(_label(match.group(1)), match.group(2))
    return found


def close_as_printed(printed: str, want: float) -> bool:
    """`printed` is `want` up to what its digits can show: within 1 for a whole number (the
    book's int() truncates 715.0000000000001), half a unit of the last decimal otherwise."""
    value = float(printed)
    mantissa = printed.lower().split("e")[0]
    if "." not in mantissa and "e" not in printed.lower():
        return abs(value - want) < 1.0
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    exponent = int(printed.lower().split("e")[1]) if "e" in printed.lower() else 0
    allowed = max(0.5 * 10.0 ** (exponent - decimals), 1e-9 * abs(want))
    return abs(value - want) <= allowed * (1 + 1e-9)


def check_script(ctx, names: tuple, wanted: tuple, printed_values: dict | None = None) -> None:
    """Run the student's script and compare the six printed values with `wanted`; the numbers
    it printed are also put in `printed_values` ({name: float}), for the report's drawing."""
    file = ctx.layout.file_of("buy_apple_orange")
    ctx.current = file
    printed = ctx.session.function("grader.worker_ops_layout", "run_script",
                                   ctx.module_of("buy_apple_orange"))
    printed = printed if isinstance(printed, str) else ""
    values = parse_printed(printed)
    if printed_values is not None:
        printed_values.update({n: float(values[n]) for n in names if n in values})
    expected = {name: want for name, want in zip(names, wanted)}
    missing = [n for n in names if n not in values]
    shown = "; ".join(line.strip() for line in printed.splitlines() if line.strip())[:160]
    if missing:
        book = ", ".join(f"{_book_label(n)}: {_shown(expected[n])}" for n in names)
        raise CheckFailed(Message("script_missing_values", {"file": file,
                                                            "names": ", ".join(map(_book_label, missing))}),
                          Comparison("printed", book, shown or "(nothing)"))
    for name in names:
        if not close_as_printed(values[name], expected[name]):
            label = _book_label(name)
            raise CheckFailed(Message("script_wrong_value", {"file": file, "quantity": label,
                                                             "got": values[name],
                                                             "expected": _shown(expected[name])}),
                              Comparison(label, _shown(expected[name]), values[name]))


def _book_label(name: str) -> str:
    """`dapple_num` as the book prints it: `dApple_num`."""
    if not name.startswith("d"):
        return name
    head, _, tail = name[1:].partition("_")
    return "d" + head.capitalize() + ("_" + tail if tail else "")


def _shown(value: float) -> str:
    return f"{value:.10g}"

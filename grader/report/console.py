"""Output that any console can take: cp932 on a Japanese Windows machine, cp1252 on a Western one.

The rich report uses a few symbols (✔ ✘ → and the sparkline's blocks) that such encodings cannot
hold, and student output or a Japanese message may hold anything. `Fitted` wraps a renderable and,
on a console whose encoding is not UTF-8, replaces each character the encoding cannot hold by a
plain-text stand-in of the same width, after layout, so tables and panels stay aligned.
`never_fail` makes the process's own streams replace what they cannot encode instead of raising.
"""
from __future__ import annotations

import codecs
import sys
from functools import lru_cache

# One cell each, like the symbols they stand for.
STAND_INS = {"✔": "+", "✘": "x", "⏱": "~", "·": "-", "↷": ">", "→": ">", "←": "<", "≤": "<",
             "≥": ">", "…": ".", "—": "-", "–": "-", "×": "x", "“": '"', "”": '"', "‘": "'", "’": "'"}
# The sparkline's blocks, lowest first: all of them or none, or the curve would mix two scales.
BLOCKS, ASCII_BLOCKS = "▁▂▃▄▅▆▇█", "_.-:=+*#"


def is_unicode(encoding: str | None) -> bool:
    try:
        return encoding is None or codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return False


@lru_cache(maxsize=8)
def _table(encoding: str) -> dict[int, str]:
    table = {ord(ch): plain for ch, plain in STAND_INS.items() if not _holds(encoding, ch)}
    if not _holds(encoding, BLOCKS):
        table.update({ord(ch): plain for ch, plain in zip(BLOCKS, ASCII_BLOCKS)})
    return table


def _holds(encoding: str, text: str) -> bool:
    try:
        text.encode(encoding)
        return True
    except (UnicodeEncodeError, LookupError):
        return False


def fit(text: str, encoding: str | None) -> str:
    """`text` as `encoding` can hold it, each character's stand-in as wide as it was."""
    if is_unicode(encoding):
        return text
    text = text.translate(_table(encoding))
    if _holds(encoding, text):
        return text
    from rich.cells import cell_len
    return "".join(ch if _holds(encoding, ch) else "?" * max(1, cell_len(ch)) for ch in text)


class Fitted:
    """A renderable drawn so that the console's encoding can hold every character of it."""

    def __init__(self, renderable):
        self.renderable = renderable

    def __rich_console__(self, console, options):
        if is_unicode(options.encoding):
            yield self.renderable
            return
        from rich.segment import Segment
        for segment in console.render(self.renderable, options):
            if segment.control:
                yield segment
            else:
                yield Segment(fit(segment.text, options.encoding), segment.style)


def never_fail(*streams) -> None:
    """Make text streams that are not UTF-8 replace what they cannot encode instead of raising
    (a Japanese message on a cp1252 console, a student's emoji on a cp932 one)."""
    for stream in streams or (sys.stdout, sys.stderr):
        if stream is None or is_unicode(getattr(stream, "encoding", None)):
            continue
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError, OSError):
            pass


def spinner(console) -> str:
    """rich's default spinner is drawn in Braille; a console that cannot show it gets a line."""
    return "dots" if is_unicode(console.encoding) else "line"


# A drawing's lines and operators (the computational graph): ASCII on every console that is not
# UTF-8, whether or not its encoding holds them, because code pages that do (cp932, cp437) may show
# them two cells wide and break the drawing; rich draws its own boxes in ASCII there for the same
# reason. One cell each.
DRAWING = {"─": "-", "│": "|", "┘": "'", "┐": ".", "┼": "+", "→": ">", "×": "*", "✘": "x"}
_DRAWING = {ord(ch): plain for ch, plain in DRAWING.items()}


def plain_drawing(text: str) -> str:
    """`text` of a drawing with its lines and symbols as ASCII stand-ins of the same width."""
    return text.translate(_DRAWING)

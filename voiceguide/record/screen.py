"""What the person recording sees: the line to say, large (bold, double-spaced when it fits),
where they are, what is happening, and the keys. Plain text: any terminal, 40x12 and up."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

CLEAR_SCREEN = "\x1b[H\x1b[2J"
BOLD, PLAIN = "\x1b[1m", "\x1b[0m"
MAX_MEASURE = 60  # characters a line: easy to read aloud
CHOICES = "k keep r retake p back s skip q quit"
COUNTING_IN = "get ready: speak after the tone (q quit)"
WHILE_RECORDING = "* recording: any key stops, q quits"


@dataclass(frozen=True, slots=True)
class View:
    number: int  # this line, from 1
    total: int
    recorded: int
    name: str
    text: str
    status: str
    keys: str


def frame(view: View, columns: int, rows: int) -> str:
    """The whole screen for ``view`` in a terminal of ``columns`` x ``rows``: the words first, then
    the keys, what is happening, and where (blank lines and the header go when room is short)."""
    width = max(10, min(columns - 1, MAX_MEASURE))
    indent = " " if columns - 1 > width else ""  # a margin when there is room for one
    header = [
        _fit(f"line {view.number} of {view.total}: {view.name}", columns),
        _fit(f"{view.recorded} of {view.total} lines recorded", columns),
    ]
    footer = [*textwrap.wrap(view.status, columns - 1), _fit(view.keys, columns)]
    words = textwrap.wrap(view.text, width) or [""]
    spaced = [row for word_row in words for row in (word_row, "")][:-1]
    for top, body, bottom in (
        ([*header, ""], spaced, footer),
        ([*header, ""], words, footer),
        (header[:1], words, footer),
        ([], words, footer),
        ([], words, footer[-1:]),  # the keys say what is going on
    ):
        if len(top) + len(body) + len(bottom) <= rows:
            break
    else:
        room = max(1, rows - 1)
        top, body, bottom = [], [*words[: room - 1], "(more: a larger window)"], footer[-1:]
    text_rows = [f"{indent}{BOLD}{row}{PLAIN}" if row else "" for row in body]
    gap = [""] if len(top) + len(body) + 1 + len(bottom) <= rows else []
    return CLEAR_SCREEN + "\n".join([*top, *text_rows, *gap, *bottom])


def _fit(text: str, columns: int) -> str:
    return text if len(text) < columns else text[: columns - 2] + "~"

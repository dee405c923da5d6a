"""What the person recording sees: the line to say, large (bold, double-spaced when it fits),
where they are, what is happening, and the keys. Plain text: any terminal, 40x12 and up."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

CLEAR_SCREEN = "\x1b[H\x1b[2J"
BOLD, PLAIN = "\x1b[1m", "\x1b[0m"
MAX_MEASURE = 60  # characters a line: easy to read aloud
CHOICES = "k keep  r retake  p back  s skip  q quit"
WHILE_RECORDING = "any key: stop   q quit"


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
    """The whole screen for ``view`` in a terminal of ``columns`` x ``rows``."""
    width = max(10, min(columns - 2, MAX_MEASURE))
    header = [
        _fit(f"line {view.number} of {view.total}: {view.name}", columns),
        _fit(f"{view.recorded} of {view.total} lines recorded", columns),
        "",
    ]
    footer = ["", *textwrap.wrap(view.status, columns - 1), _fit(view.keys, columns)]
    words = textwrap.wrap(view.text, width) or [""]
    room = rows - len(footer) - 1
    if 2 * len(words) - 1 <= room - len(header):
        body = [row for word_row in words for row in (word_row, "")][:-1]
    elif len(words) <= room - len(header):
        body = words
    else:
        header = []
        body = words if len(words) <= room else [*words[: room - 1], "(more: a larger window)"]
    text_rows = [f" {BOLD}{row}{PLAIN}" if row else "" for row in body]
    return CLEAR_SCREEN + "\n".join([*header, *text_rows, *footer])


def _fit(text: str, columns: int) -> str:
    return text if len(text) < columns else text[: columns - 2] + "~"

"""What a sighted user sees: a one-line key hint and a one-line status, or the prompter's current
line with a countdown to the next. Nothing here is needed to use the player with eyes closed.

The prompter draws plain lines, each once (no DEC double-height: tmux, screen and the Linux console
show such lines twice), bold for the line to say now, and fits the window down to 40x12: the
terminal's own font size makes it large."""

from __future__ import annotations

import shutil
import textwrap
import time
from typing import TextIO

from voiceguide.player.status import Status
from voiceguide.player.transport import State
from voiceguide.timeline import Timeline
from voiceguide.timetext import duration

CLEAR_LINE = "\r\x1b[K"
HOME, CLEAR_TO_END, CLEAR_TO_EOL = "\x1b[H", "\x1b[J", "\x1b[K"
BOLD, PLAIN = "\x1b[1m", "\x1b[0m"
KEY_HINT = "keys: space pause/go on, left/right step, r repeat, up/down volume, q stop, ? all keys"
NOTE_S = 6.0  # how long the prompter shows a note (a command heard, the keys)


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


class StatusLine:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = ""

    def show(self, status: Status) -> None:
        width = shutil.get_terminal_size((80, 24)).columns - 1
        text = status.line()[:width]
        if text != self.shown:
            self.stream.write(CLEAR_LINE + text)
            self.stream.flush()
            self.shown = text

    def note(self, text: str) -> None:
        """A line of its own above the status (it stays in the scrollback: "heard: next")."""
        self.stream.write(CLEAR_LINE + text + "\n" + self.shown)
        self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


class Prompter:
    """For a caregiver reading aloud: the line to say now, bold, and the next one with a countdown."""

    def __init__(self, stream: TextIO, timeline: Timeline) -> None:
        self.stream = stream
        self.shown = ""
        self.follow(timeline)

    def follow(self, timeline: Timeline) -> None:
        """Show ``timeline``'s lines (an early start's plan gives way to better ones: the
        player's :meth:`~voiceguide.player.controller.Controller.seen`)."""
        if getattr(self, "timeline", None) is timeline:
            return
        self.timeline = timeline
        self.events = timeline.lines
        self.total_s = timeline.total_s
        self.shown = ""
        if not hasattr(self, "_note"):  # a note being shown stays when a better plan lands
            self._note: tuple[str, float] = ("", 0.0)  # a note, and until when it shows

    def note(self, text: str) -> None:
        self._note = (text, time.monotonic() + NOTE_S)

    def lines(self, status: Status, columns: int, rows: int) -> list[tuple[str, bool]]:
        """The screen's lines, each with whether it is the line to say now (bold): at most
        ``rows - 1`` lines of at most ``columns - 1`` characters."""
        width = max(10, columns - 1)
        index = self.timeline.line_at(status.position_s)
        current = self.events[index].text if index >= 0 else "(get ready)"
        upcoming = self.events[index + 1] if index + 1 < len(self.events) else None
        head = [_fit(f"{status.chapter_title}  {status.clock()}", width), ""]
        tail: list[str] = []
        if upcoming is not None:
            holding = status.state is State.HOLDING
            wait = duration(max(0.0, upcoming.start_s - status.position_s))
            when = "next, when you go on" if holding else f"next in {wait}"
            tail = ["", _fit(f"{when}: {upcoming.text}", width)]
        if status.state is State.PAUSED:
            tail.append("(paused: press space)")
        elif status.state is State.HOLDING:
            tail.append("(waiting: press space when ready)")
        note, until = self._note
        if note and time.monotonic() < until:
            tail += textwrap.wrap(note, width)[:3]
        room = max(1, rows - len(head) - len(tail) - 1)  # (the last row stays empty)
        said = textwrap.wrap(current, width) or [""]
        if len(said) > room:
            said = [*said[: room - 1], _fit(" ".join(said[room - 1 :]), width)]
        marked = [(row, False) for row in head] + [(row, True) for row in said]
        return [*marked, *[(row, False) for row in tail]][: max(1, rows - 1)]

    def frame(self, status: Status) -> str:
        size = shutil.get_terminal_size((80, 24))
        rows = self.lines(status, size.columns, size.lines)
        styled = [(BOLD + row + PLAIN if bold else row) + CLEAR_TO_EOL for row, bold in rows]
        return HOME + "\r\n".join(styled) + CLEAR_TO_END

    def show(self, status: Status) -> None:
        text = self.frame(status)
        if text != self.shown:
            self.stream.write(text)
            self.stream.flush()
            self.shown = text

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()

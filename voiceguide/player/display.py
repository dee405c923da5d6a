"""What a sighted user sees: a one-line status, or the prompter's large current line with a
countdown to the next. Nothing here is needed to use the player with eyes closed."""

from __future__ import annotations

import bisect
import shutil
import textwrap
from typing import TextIO

from voiceguide.player.status import Status
from voiceguide.player.transport import State
from voiceguide.routine.durations import format_duration
from voiceguide.timeline import Timeline

CLEAR_LINE = "\r\x1b[K"
CLEAR_SCREEN = "\x1b[H\x1b[2J"
DOUBLE_TOP, DOUBLE_BOTTOM = "\x1b#3", "\x1b#4"  # DEC double-height lines: large text in a terminal


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

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


class Prompter:
    """For a caregiver reading aloud: the line to say now, large, and the next one with a countdown."""

    def __init__(self, stream: TextIO, timeline: Timeline) -> None:
        self.stream = stream
        self.events = [event for event in timeline.events if event.kind != "breath"]
        self.starts = [event.start_s for event in self.events]
        self.total_s = timeline.total_s
        self.shown = ""

    def frame(self, status: Status) -> str:
        columns = shutil.get_terminal_size((80, 24)).columns
        index = bisect.bisect_right(self.starts, status.position_s) - 1
        current = self.events[index].text if index >= 0 else "(get ready)"
        upcoming = self.events[index + 1] if index + 1 < len(self.events) else None
        lines = [
            f"{status.chapter_title}    {format_duration(status.position_s)} / {format_duration(self.total_s)}",
            "",
        ]
        for row in textwrap.wrap(current, max(10, columns // 2 - 2)):
            lines += [DOUBLE_TOP + row, DOUBLE_BOTTOM + row]
        lines.append("")
        if upcoming is not None:
            lines.append(
                f"next in {format_duration(max(0.0, upcoming.start_s - status.position_s))}:"
            )
            lines += textwrap.wrap(upcoming.text, max(10, columns - 2))
        if status.state is State.PAUSED:
            lines += ["", "(paused: press space)"]
        elif status.state is State.HOLDING:
            lines += ["", "(waiting: press space when ready)"]
        return CLEAR_SCREEN + "\n".join(lines)

    def show(self, status: Status) -> None:
        text = self.frame(status)
        if text != self.shown:
            self.stream.write(text)
            self.stream.flush()
            self.shown = text

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()

"""What the remote page shows: the terminal prompter's screen as one value (the line to say now,
the next line and its countdown, the step and the time left, a hold's wait), made from the
player's status. Pure: the page and the tests read the same :class:`Screen`."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from enum import Enum
from typing import Any, Protocol

from voiceguide.timeline import Timeline
from voiceguide.timetext import duration

GET_READY = "(get ready)"  # before the first line, as the prompter says


class Shown(Protocol):
    """The player's status (:class:`voiceguide.player.status.Status`), as read here."""

    @property
    def state(self) -> Enum: ...
    @property
    def position_s(self) -> float: ...
    @property
    def chapter_title(self) -> str: ...
    @property
    def left_s(self) -> float: ...
    @property
    def volume_db(self) -> float: ...
    @property
    def preparing(self) -> bool: ...
    @property
    def chapter(self) -> int: ...
    @property
    def at_full_volume(self) -> bool: ...


class Controlled(Protocol):
    """What the page drives (:class:`voiceguide.player.controller.Controller`)."""

    def perform(self, action: str, *, heard: bool = False) -> str: ...
    def seen(self) -> tuple[Shown, Timeline]: ...  # the status, in the plan being played now
    def observe(self, observer: Callable[[str], None]) -> None: ...


@dataclass(frozen=True, slots=True)
class Screen:
    state: str  # playing, paused, waiting (a hold), stopping or finished
    step: str
    step_number: int  # from 1
    steps: int
    position_s: int  # whole seconds, as the clock shows them
    clock: str  # "1:05 / 20:00"
    left: str  # "18:55 left"
    now: str  # the line to say now
    upcoming: str  # the next line ("" after the last)
    upcoming_in: str  # its countdown, "0:12"
    volume: str  # "", "-6 dB" or "full volume"
    preparing: bool  # the voice is still being prepared
    done: str  # the last action taken, by any control ("" before the first)
    done_count: int  # how many actions were taken (the same action twice is shown twice)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


class Lines:
    """The lines a caregiver reads, with their starts: the prompter's own rule for which is now."""

    def __init__(self, timeline: Timeline) -> None:
        self.timeline = timeline
        self.events = timeline.lines
        self.total_s = timeline.total_s
        self.steps = max(1, len(timeline.chapters))

    def at(self, position_s: float) -> tuple[str, str, float | None]:
        """The line to say at ``position_s``, the next one, and the seconds until it (None: none)."""
        index = self.timeline.line_at(position_s)
        now = self.events[index].text if index >= 0 else GET_READY
        if index + 1 >= len(self.events):
            return now, "", None
        upcoming = self.events[index + 1]
        return now, upcoming.text, max(0.0, upcoming.start_s - position_s)


def screen(status: Shown, lines: Lines, done: str = "", done_count: int = 0) -> Screen:
    """The page's screen for ``status``."""
    now, upcoming, wait_s = lines.at(status.position_s)
    volume = f"{status.volume_db:+.0f} dB" if status.volume_db else ""
    return Screen(
        state=str(status.state.value),
        step=status.chapter_title,
        step_number=status.chapter + 1,
        steps=lines.steps,
        position_s=math.floor(status.position_s),
        clock=f"{duration(status.position_s)} / {duration(lines.total_s)}",
        left=f"{duration(status.left_s)} left",
        now=now,
        upcoming=upcoming,
        upcoming_in="" if wait_s is None else duration(wait_s),
        volume="full volume" if status.at_full_volume else volume,
        preparing=status.preparing,
        done=done,
        done_count=done_count,
    )

"""How long the rest of some work will take, measured from the work done so far (never guessed),
and progress as one line of text: the preparing screen, ``export``'s bars and the lines written
when stderr is not a terminal all say it the same way. Standard library only."""

from __future__ import annotations

import time
from collections.abc import Callable

from voiceguide.timetext import duration

COUNTED = {"speaking": "lines", "preparing": "routines"}  # the other stages say how far in %


class Pace:
    """The time left in the current stage: the work done since the stage's first report (what
    was cached comes at once and is not counted), over the time it took."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.stage: str | None = None
        self.first: tuple[float, int] = (0.0, 0)  # (when, done) at the stage's first report
        self.done = 0
        self.total = 0

    def update(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.stage, self.first = stage, (self.clock(), done)
        self.done, self.total = done, total

    def left_s(self) -> float | None:
        """Seconds left, once some work has been measured (None before)."""
        started, done_then = self.first
        worked = self.done - done_then
        if worked <= 0 or self.done >= self.total:
            return None
        return (self.clock() - started) / worked * (self.total - self.done)

    def text(self) -> str:
        """``speaking 12 of 66 lines, about 1:20 left`` (no time left until it is measured)."""
        if self.stage is None:
            return ""
        left_s = self.left_s()
        left = f", about {duration(max(1.0, left_s))} left" if left_s is not None else ""
        unit = COUNTED.get(self.stage)
        if unit is None:
            return f"{self.stage} {100 * self.done // max(1, self.total)}%{left}"
        return f"{self.stage} {self.done} of {self.total} {unit}{left}"

    def short(self) -> str:
        """For a status line: ``speaking 12/66, 1:20 left``."""
        if self.stage is None:
            return ""
        left_s = self.left_s()
        left = f", {duration(max(1.0, left_s))} left" if left_s is not None else ""
        return f"{self.stage} {self.done}/{self.total}{left}"


class Lines:
    """Progress as lines of text, for a stream that is not a terminal: once work has gone on for
    ``every_s`` (quick work says nothing), one when it moves on, at most one every ``every_s``
    seconds, and the last of each stage."""

    def __init__(
        self,
        write: Callable[[str], None],
        prefix: str = "",
        every_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.write, self.prefix, self.every_s = write, prefix, every_s
        self.pace = Pace(clock)
        self.said: tuple[str | None, int] = (None, -1)
        self.when = -1e9

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.pace.update(stage, done, total)
        now = self.pace.clock()
        if (stage, done) == self.said or now - self.pace.first[0] < self.every_s:
            return
        if stage == self.said[0] and done < total and now - self.when < self.every_s:
            return
        self.said, self.when = (stage, done), now
        self.write(self.prefix + self.pace.text())

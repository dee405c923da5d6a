"""What the player shows of where it is: one value, read by the status line, the prompter and the
media controls (MPRIS)."""

from __future__ import annotations

from dataclasses import dataclass

from voiceguide.player.transport import State
from voiceguide.timetext import duration

MARKS = {
    State.PLAYING: ">", State.PAUSED: "||", State.HOLDING: "..", State.STOPPING: "x", State.FINISHED: ".",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Status:
    state: State
    position_s: float
    chapter_title: str
    in_chapter_s: float
    left_s: float
    volume_db: float
    preparing: bool = False  # waiting for the rest of the session to be spoken
    chapter: int = 0  # the step's index
    at_full_volume: bool = False  # "+" was pressed at the top of the range just now
    note: str = ""  # while the rest is spoken after an early start: "speaking 12/66, 0:40 left"

    def line(self) -> str:
        extra = "  (press space to go on)" if self.state is State.HOLDING else ""
        if self.preparing:
            extra = "  (the voice is still being prepared)"
        if self.note:
            extra = f"  ({self.note})"
        volume = f"  vol {self.volume_db:+.0f} dB" if self.volume_db else ""
        if self.at_full_volume:
            volume = "  (full volume)"
        return (
            f"{MARKS[self.state]} {self.chapter_title}  {duration(self.in_chapter_s)} in step, "
            f"{duration(self.left_s)} left{volume}{extra}"
        )

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
    soundscape_db: float = 0.0  # the listener's own soundscape level (the player's [ and ] keys)

    def clock(self) -> str:
        """The one clock every display shows: the time in the step and in the session."""
        total_s = self.position_s + self.left_s
        return f"{duration(self.in_chapter_s)} in step, {duration(self.position_s)} of {duration(total_s)}"

    def line(self) -> str:
        extra = "  (press space to go on)" if self.state is State.HOLDING else ""
        if self.preparing:
            extra = "  (the voice is still being prepared)"
        if self.note:
            extra = f"  ({self.note})"
        volume = f"  vol {self.volume_db:+.0f} dB" if self.volume_db else ""
        if self.at_full_volume:
            volume = "  (full volume)"
        if self.soundscape_db:
            volume += f"  soundscape {self.soundscape_db:+.0f} dB"
        return f"{MARKS[self.state]} {self.chapter_title}  {self.clock()}{volume}{extra}"

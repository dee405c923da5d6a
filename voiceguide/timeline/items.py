"""What a routine becomes before it meets the clock: voice, gap, breathing, hold and chapter items,
in order. Placing them one after another gives every start time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from voiceguide.routine.model import Hand, StepBreathing
from voiceguide.timeline.model import Line, VoiceKind

MIN_GAP_S = 0.5  # a stretchable silence is never shrunk below this (or its own length, if shorter)


@dataclass(frozen=True, slots=True)
class VoiceItem:
    line: Line
    duration_s: float
    kind: VoiceKind
    gain_db: float


@dataclass(frozen=True, slots=True)
class Gap:
    """A silence. ``--minutes`` stretches or shrinks only the gaps that ``stretch`` (the time given
    to do what was said), never below ``floor_s``; a written ``[pause 3s]`` stays as written."""

    duration_s: float
    floor_s: float
    stretch: bool


def stretchable(seconds: float) -> Gap:
    return Gap(seconds, min(seconds, MIN_GAP_S), True)


def fixed(seconds: float) -> Gap:
    return Gap(seconds, seconds, False)


@dataclass(frozen=True, slots=True)
class BreathItem:
    """Paced breathing: fixed in length (a 4-7-8 breath is always 4-7-8)."""

    breathing: StepBreathing
    words: Mapping[str, tuple[Line, float]]  # phase kind -> spoken cue and its length
    gain_db: float

    @property
    def duration_s(self) -> float:
        return self.breathing.cycles * self.breathing.pattern.cycle_s


@dataclass(frozen=True, slots=True)
class HoldItem:
    """A wait for a key in the player, a pause of fixed length in an export."""

    duration_s: float


@dataclass(frozen=True, slots=True)
class Mark:
    """Where a chapter (a step, or one hand's round of it) begins."""

    title: str
    step_id: str
    step_index: int
    hand: Hand | None


Item = VoiceItem | Gap | BreathItem | HoldItem | Mark

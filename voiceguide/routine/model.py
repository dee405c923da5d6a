"""The routine model: plain frozen values, no I/O. Built only by :mod:`voiceguide.routine.load`."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Audience(Enum):
    SELF = "self"  # the listener massages their own hands
    PARTNER = "partner"  # spoken to a caregiver massaging someone else's hands


class Hand(Enum):
    RIGHT = "right"
    LEFT = "left"

    @property
    def other(self) -> Hand:
        return Hand.LEFT if self is Hand.RIGHT else Hand.RIGHT


@dataclass(frozen=True, slots=True)
class Speech:
    """A stretch of text spoken as one clip."""

    text: str


@dataclass(frozen=True, slots=True)
class Pause:
    """A silence written inside a text as ``[pause 3s]``."""

    duration_s: float


Segment = Speech | Pause


@dataclass(frozen=True, slots=True)
class Where:
    """Where a value was written: the routine's source name, its line, and its field path."""

    source: str
    line: int | None
    field: str


@dataclass(frozen=True, slots=True)
class Prompt:
    """A line spoken ``at_s`` seconds after its step (or hand round) starts."""

    at_s: float
    text: str
    where: Where


@dataclass(frozen=True, slots=True)
class VoiceSettings:
    """What the routine asks of the voice; ``None`` means the engine's calm default."""

    engine: str | None = None
    name: str | None = None
    rate_wpm: int | None = None
    pitch: int | None = None


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    title: str
    text: str  # may hold [pause Ns] marks and {hand}/{other_hand} placeholders
    duration_s: float  # per hand when each_hand is set
    prompts: tuple[Prompt, ...] = ()
    each_hand: bool = False
    switch_text: str | None = None  # spoken at the start of the left-hand round
    where: Where = field(default_factory=lambda: Where("<memory>", None, "steps"))

    @property
    def hands(self) -> tuple[Hand | None, ...]:
        return (Hand.RIGHT, Hand.LEFT) if self.each_hand else (None,)

    @property
    def total_s(self) -> float:
        return self.duration_s * len(self.hands)


@dataclass(frozen=True, slots=True)
class Routine:
    name: str  # the bundled name or the file's stem
    source: str  # what error messages call the file
    title: str
    description: str
    audience: Audience
    language: str
    voice: VoiceSettings
    steps: tuple[Step, ...]

    @property
    def steps_s(self) -> float:
        """The length of all steps as written, before lead-in and lead-out."""
        return sum(step.total_s for step in self.steps)

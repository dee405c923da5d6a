"""The routine model: plain frozen values, no I/O. Built only by :mod:`voiceguide.routinefile.load`."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from voiceguide.routine.vocabulary import CHIME_NAMES as CHIME_NAMES
from voiceguide.routine.vocabulary import CHIME_SECONDS as CHIME_SECONDS
from voiceguide.routine.vocabulary import LOUDNESS_PRESETS as LOUDNESS_PRESETS
from voiceguide.routine.vocabulary import SOUNDSCAPE_GAIN_DB as SOUNDSCAPE_GAIN_DB
from voiceguide.routine.words import ENGLISH, Words


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
    """A line spoken later in its step (or hand round): not before ``at_s`` seconds into it, and
    ``after_s`` seconds after the words before it end (at least one of the two is given)."""

    at_s: float | None
    text: str
    where: Where
    after_s: float | None = None


@dataclass(frozen=True, slots=True)
class VoiceSettings:
    """What the routine asks of the voice; ``None`` means the engine's calm default."""

    engine: str | None = None
    name: str | None = None
    rate_wpm: int | None = None
    pitch: int | None = None
    name_where: Where | None = None


@dataclass(frozen=True, slots=True)
class BreathingPattern:
    """The phases of one breath: in, hold, out, rest (a zero-length phase is skipped)."""

    name: str
    inhale_s: float
    hold_s: float
    exhale_s: float
    rest_s: float = 0.0

    @property
    def cycle_s(self) -> float:
        return self.inhale_s + self.hold_s + self.exhale_s + self.rest_s

    @property
    def phases(self) -> tuple[tuple[str, float], ...]:
        named = (
            ("inhale", self.inhale_s),
            ("hold", self.hold_s),
            ("exhale", self.exhale_s),
            ("rest", self.rest_s),
        )
        return tuple((kind, seconds) for kind, seconds in named if seconds > 0)


BUILTIN_PATTERNS = {
    "4-7-8": BreathingPattern("4-7-8", 4.0, 7.0, 8.0),
    "box": BreathingPattern("box", 4.0, 4.0, 4.0, 4.0),
    "coherent": BreathingPattern("coherent", 5.5, 0.0, 5.5),
    "calm": BreathingPattern("calm", 4.0, 0.0, 6.0),
}


@dataclass(frozen=True, slots=True)
class StepBreathing:
    """Paced breathing inside a step, after its opening words: ``cycles`` breaths of ``pattern``;
    the voice says "in" and "out" for the first ``spoken_cycles``, then the tones go on alone."""

    pattern: BreathingPattern
    cycles: int
    spoken_cycles: int


@dataclass(frozen=True, slots=True)
class SessionBreathing:
    """Breath tones under the whole session (``all``) or only its first and last steps (``edges``)."""

    pattern: BreathingPattern
    during: str  # "all" | "edges"


@dataclass(frozen=True, slots=True)
class SoundscapeChoice:
    """A bed named by the routine: a bundled name or a file (relative to the routine's folder)."""

    name: str
    gain_db: float | None
    where: Where


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    title: str
    text: str  # may hold [pause Ns] marks and {side}/{other_side} ({hand}) placeholders
    duration_s: float  # per side when each_hand is set
    prompts: tuple[Prompt, ...] = ()
    each_hand: bool = False  # the step runs once per side (each_hand, or each_side: NOUN)
    switch_text: str | None = None  # spoken at the start of the left round
    breathe: StepBreathing | None = None
    hold_s: float | None = (
        None  # after the opening words: the player waits for a key; an export pauses this long
    )
    where: Where = field(default_factory=lambda: Where("<memory>", None, "steps"))  # its duration
    id_where: Where = field(default_factory=lambda: Where("<memory>", None, "steps"))
    say_where: Where = field(default_factory=lambda: Where("<memory>", None, "steps"))
    side: str = "hand"  # the body part named by {side} when each_hand is set (each_side: NOUN)

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
    folder: str = "."  # where relative paths in the routine resolve
    language_where: Where | None = None
    soundscape: SoundscapeChoice | None = None
    breathing: SessionBreathing | None = None
    chime: str | None = "bell"  # between steps; None for silence
    linger_s: float = 0.0  # the bed goes on after the last words, fading out over its last minute
    wind_down_s: float = 0.0  # across this last stretch of steps the voice grows slower and softer
    loudness_lufs: float | None = None  # None: the spoken-word default
    collection: str | None = None  # the album this session belongs to, in exported tags
    recordings: str | None = None  # a folder of recorded lines (relative to the routine's folder)
    listen: bool = False  # voice commands when played (as play --listen)
    words: Words = ENGLISH  # the words voiceguide adds, in the routine's language
    # where each session-wide field is written (voice.rate_wpm, chime, loudness, ...)
    places: tuple[Where, ...] = ()

    def where_of(self, field: str) -> Where | None:
        """Where the routine writes ``field`` (``voice.rate_wpm``, ``loudness``); None if it does not."""
        return next((place for place in self.places if place.field == field), None)

    @property
    def recordings_folder(self) -> Path | None:
        """The folder ``recordings:`` names, resolved against the routine's own folder."""
        return None if self.recordings is None else Path(self.folder) / self.recordings

    @property
    def steps_s(self) -> float:
        """The length of all steps as written, before lead-in and lead-out."""
        return sum(step.total_s for step in self.steps)

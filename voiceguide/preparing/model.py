"""The values a session is prepared from and into."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from voiceguide.routine import Routine
from voiceguide.routine.model import Where
from voiceguide.timeline import Timeline

if TYPE_CHECKING:
    from voiceguide.render import Leveling, Mix

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True, slots=True)
class RememberedValue:
    """One value of the settings file, checked: ``name`` is its :class:`SessionOptions` field,
    ``language`` its table's ("" for every routine), ``where`` its file, line and key."""

    name: str
    value: object
    language: str
    where: Where


@dataclass(frozen=True, slots=True)
class Remembered:
    """The settings file's values: below the command line, above the routine."""

    values: tuple[RememberedValue, ...] = ()

    def for_language(self, language: str) -> dict[str, RememberedValue]:
        """The values a routine in ``language`` takes: its language's table over the top ones."""
        family = language.lower().replace("_", "-").split("-")[0]
        chosen = {value.name: value for value in self.values if not value.language}
        chosen.update({value.name: value for value in self.values if value.language == family})
        return chosen


@dataclass(frozen=True, slots=True)
class SessionOptions:
    """Everything that shapes a session besides the routine. ``None`` defers to the routine."""

    engine: str | None = None
    voice: str | None = None
    voice_model: Path | None = None  # a Piper model file (.onnx, its .onnx.json beside it)
    rate_wpm: int | None = None
    pitch: int | None = None
    minutes: float | None = None
    soundscape: str | None = None  # a bundled name, a file, or "none"
    soundscape_gain_db: float | None = None  # the bed against the voice
    breathing: str | None = None  # a pattern name, or "none"
    breathing_during: str | None = None  # "all" or "edges"
    chime: str | None = None  # "bell", "bowl" or "none"
    loudness_lufs: float | None = None
    linger_minutes: float | None = None
    recordings: Path | None = None  # a folder of recorded lines; None: the routine's, if any
    ceiling_dbtp: float = -1.0
    sample_rate: int = 44100
    cache_dir: Path | None = None
    remembered: Remembered = Remembered()  # the settings file's values (the CLI reads it)


@dataclass(frozen=True, slots=True)
class Session:
    """A planned session: the routine, its timeline, how the voice was chosen, and the mix."""

    routine: Routine
    timeline: Timeline
    engine: str
    voice: str
    mix: Mix = field(repr=False)
    leveling: Leveling
    soundscape: str | None
    engine_reason: str = ""  # why this engine: named, or the best installed for the language
    recording_notes: tuple[str, ...] = ()  # which lines use a recording; stale and unused files
    origins: tuple[str, ...] = ()  # for -v: every setting, its value, and where it came from

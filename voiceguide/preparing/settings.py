"""Settings decided once: the command line over the routine over the default, for every setting
that shapes a session. Each value remembers where it came from (``-v`` says it; an error about
it points there). Pure: no engine, no file is touched."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from voiceguide.errors import OptionError
from voiceguide.preparing.model import SessionOptions
from voiceguide.routine import Routine
from voiceguide.routine.model import (
    BUILTIN_PATTERNS,
    LOUDNESS_PRESETS,
    SessionBreathing,
    SoundscapeChoice,
    Where,
)
from voiceguide.routine.vocabulary import DEFAULT_BREATHING_DURING

T = TypeVar("T")

DEFAULT_BED_GAIN_DB = -18.0  # the bed this far under the voice (and 10 dB further while it speaks)
DEFAULT = "default"


@dataclass(frozen=True, slots=True)
class Setting(Generic[T]):
    """One resolved value and where it came from: an option (``--rate``), the routine (with its
    place in the file, when known), or ``default``."""

    value: T
    origin: str = DEFAULT
    where: Where | None = None


@dataclass(frozen=True, slots=True)
class Bedding:
    """Which soundscape to load: a bundled name or a file, looked up in ``folder``."""

    name: str
    folder: Path
    where: Where | None  # the routine's soundscape.name, when the routine chose it


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything that shapes a session, resolved once from the routine and the options."""

    engine: Setting[str | None]  # None: the best installed for the routine's language
    voice: Setting[str | None]  # a voice name, or a Piper model file's path
    rate_wpm: Setting[int | None]
    pitch: Setting[int | None]
    target_s: Setting[float | None]  # --minutes, as seconds
    bed: Setting[Bedding | None]
    bed_gain_db: Setting[float]
    breathing: Setting[SessionBreathing | None]
    chime: Setting[str | None]
    loudness_lufs: Setting[float]
    linger_s: Setting[float]
    recordings: Setting[Path | None]  # the folder of recorded lines
    language: str
    sample_rate: int
    ceiling_dbtp: float
    cache_dir: Path | None


def resolve(routine: Routine, options: SessionOptions) -> Settings:
    """The session's settings: each from the command line, else the routine, else the default."""
    voice = routine.voice
    return Settings(
        engine=_engine(routine, options),
        voice=_voice(routine, options),
        rate_wpm=_first(("--rate", options.rate_wpm), ("the routine", voice.rate_wpm)),
        pitch=_first(("--pitch", options.pitch), ("the routine", voice.pitch)),
        target_s=Setting(options.minutes * 60, "--minutes")
        if options.minutes is not None
        else Setting(None),
        bed=_bed(routine, options),
        bed_gain_db=_first_value(
            ("--soundscape-gain", options.soundscape_gain_db),
            ("the routine", routine.soundscape.gain_db if routine.soundscape else None),
            default=DEFAULT_BED_GAIN_DB,
        ),
        breathing=_breathing(routine, options),
        chime=_chime(routine, options),
        loudness_lufs=_first_value(
            ("--loudness", options.loudness_lufs),
            ("the routine", routine.loudness_lufs),
            default=LOUDNESS_PRESETS["spoken"],
        ),
        linger_s=_first_value(
            ("--linger", None if options.linger_minutes is None else options.linger_minutes * 60),
            default=routine.linger_s,
        ),
        recordings=_recordings(routine, options),
        language=routine.language,
        sample_rate=options.sample_rate,
        ceiling_dbtp=options.ceiling_dbtp,
        cache_dir=options.cache_dir,
    )


def _first(*candidates: tuple[str, T | None]) -> Setting[T | None]:
    for origin, value in candidates:
        if value is not None:
            return Setting(value, origin)
    return Setting(None)


def _first_value(*candidates: tuple[str, float | None], default: float) -> Setting[float]:
    for origin, value in candidates:
        if value is not None:
            return Setting(value, origin)
    return Setting(default)


def _engine(routine: Routine, options: SessionOptions) -> Setting[str | None]:
    if options.voice_model is not None and options.engine not in (None, "piper"):
        raise OptionError(f"--voice-model needs the piper engine, not {options.engine}")
    if options.engine is not None:
        return Setting(options.engine, "--engine")
    if options.voice_model is not None:
        return Setting("piper", "--voice-model")
    return Setting(routine.voice.engine, "the routine") if routine.voice.engine else Setting(None)


def _voice(routine: Routine, options: SessionOptions) -> Setting[str | None]:
    if options.voice_model is not None:
        if options.voice is not None:
            raise OptionError("give --voice or --voice-model, not both")
        return Setting(str(options.voice_model.resolve()), "--voice-model")
    if options.voice is not None:
        return Setting(options.voice, "--voice")
    if routine.voice.name is not None:
        return Setting(routine.voice.name, "the routine", routine.voice.name_where)
    return Setting(None)


def _bed(routine: Routine, options: SessionOptions) -> Setting[Bedding | None]:
    if options.soundscape == "none":
        return Setting(None, "--soundscape")
    if options.soundscape is not None:
        return Setting(Bedding(options.soundscape, Path.cwd(), None), "--soundscape")
    chosen: SoundscapeChoice | None = routine.soundscape
    if chosen is None:
        return Setting(None)
    bedding = Bedding(chosen.name, Path(routine.folder), chosen.where)
    return Setting(bedding, "the routine", chosen.where)


def _breathing(routine: Routine, options: SessionOptions) -> Setting[SessionBreathing | None]:
    if options.breathing == "none":
        return Setting(None, "--breathing")
    if options.breathing is not None:
        if options.breathing not in BUILTIN_PATTERNS:
            known = ", ".join(BUILTIN_PATTERNS)
            raise OptionError(
                f"expected a breathing pattern from {known} (or none), got '{options.breathing}'"
            )
        during = options.breathing_during or (
            routine.breathing.during if routine.breathing else DEFAULT_BREATHING_DURING
        )
        return Setting(SessionBreathing(BUILTIN_PATTERNS[options.breathing], during), "--breathing")
    if routine.breathing is None:
        return Setting(None)
    if options.breathing_during is not None:
        pattern = routine.breathing.pattern
        return Setting(SessionBreathing(pattern, options.breathing_during), "--breathing-during")
    return Setting(routine.breathing, "the routine")


def _chime(routine: Routine, options: SessionOptions) -> Setting[str | None]:
    if options.chime is not None:
        return Setting(None if options.chime == "none" else options.chime, "--chime")
    return Setting(routine.chime, "the routine")


def _recordings(routine: Routine, options: SessionOptions) -> Setting[Path | None]:
    if options.recordings is not None:
        return Setting(options.recordings, "--recordings")
    if routine.recordings_folder is not None:
        return Setting(routine.recordings_folder, "the routine")
    return Setting(None)

"""Settings decided once: the command line over the settings file over the routine over the
default, for every setting that shapes a session. Each value remembers where it came from
(``-v`` says it; an error about it points there). Pure: no engine, no file is touched."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from voiceguide.errors import OptionError
from voiceguide.preparing.model import RememberedValue, SessionOptions
from voiceguide.routine import Routine
from voiceguide.routine.model import (
    BUILTIN_PATTERNS,
    LOUDNESS_PRESETS,
    SessionBreathing,
    SoundscapeChoice,
    Where,
)
from voiceguide.routine.vocabulary import DEFAULT_BREATHING_DURING, DEFAULT_SOUNDSCAPE_GAIN_DB

T = TypeVar("T")

DEFAULT_BED_GAIN_DB = DEFAULT_SOUNDSCAPE_GAIN_DB
DEFAULT = "default"
ROUTINE = "the routine"
SETTINGS_FILE = "the settings file"


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
    """The session's settings: each from the command line, else the settings file, else the
    routine, else the default."""
    given = _Given(options, options.remembered.for_language(routine.language))
    voice = routine.voice
    engine, speaker = _one_speaker(
        _engine(routine, options, given), _voice(routine, options, given)
    )
    return Settings(
        engine=engine,
        voice=speaker,
        rate_wpm=_first(given.get("rate_wpm", "--rate"), _written(routine, "voice.rate_wpm", voice.rate_wpm)),
        pitch=_first(given.get("pitch", "--pitch"), _written(routine, "voice.pitch", voice.pitch)),
        target_s=_first(given.get("minutes", "--minutes", scale=60.0)),
        bed=_bed(routine, options, given),
        bed_gain_db=_first_value(
            given.get("soundscape_gain_db", "--soundscape-gain"),
            _written(routine, "soundscape", routine.soundscape.gain_db if routine.soundscape else None),
            default=DEFAULT_BED_GAIN_DB,
        ),
        breathing=_breathing(routine, given),
        chime=_chime(routine, given),
        loudness_lufs=_first_value(
            given.get("loudness_lufs", "--loudness"),
            _written(routine, "loudness", routine.loudness_lufs),
            default=LOUDNESS_PRESETS["spoken"],
        ),
        linger_s=_first_value(
            given.get("linger_minutes", "--linger", scale=60.0),
            _written(routine, "linger", routine.linger_s if routine.where_of("linger") else None),
            default=routine.linger_s,
        ),
        recordings=_recordings(routine, options),
        language=routine.language,
        sample_rate=options.sample_rate,
        ceiling_dbtp=options.ceiling_dbtp,
        cache_dir=options.cache_dir,
    )  # fmt: skip


class _Given:
    """What the person gave for a setting: the command line's option, else the settings file's."""

    def __init__(self, options: SessionOptions, remembered: dict[str, RememberedValue]) -> None:
        self.options = options
        self.remembered = remembered

    def get(self, name: str, flag: str, scale: float = 1.0) -> Setting[Any] | None:
        value: Any = getattr(self.options, name)
        origin, where = flag, None
        if value is None and name in self.remembered:
            entry = self.remembered[name]
            value, origin, where = entry.value, SETTINGS_FILE, entry.where
        if value is None:
            return None
        return Setting(value * scale if scale != 1.0 else value, origin, where)


def _written(routine: Routine, field: str, value: T | None) -> Setting[T] | None:
    """The routine's value, with the line that writes it."""
    if value is None:
        return None
    return Setting(value, ROUTINE, routine.where_of(field))


def _first(*candidates: Setting[Any] | None) -> Setting[Any]:
    return next((candidate for candidate in candidates if candidate is not None), Setting(None))


def _first_value(*candidates: Setting[Any] | None, default: float) -> Setting[float]:
    return next((candidate for candidate in candidates if candidate is not None), Setting(default))


def _engine(routine: Routine, options: SessionOptions, given: _Given) -> Setting[str | None]:
    if options.voice_model is not None and options.engine not in (None, "piper"):
        raise OptionError(f"--voice-model needs the piper engine, not {options.engine}")
    if options.engine is not None:
        return Setting(options.engine, "--engine")
    if options.voice_model is not None:
        return Setting("piper", "--voice-model")
    model = given.remembered.get("voice_model")
    if model is not None:
        return Setting("piper", SETTINGS_FILE, model.where)
    return _first(
        given.get("engine", "--engine"), _written(routine, "voice.engine", routine.voice.engine)
    )


def _voice(routine: Routine, options: SessionOptions, given: _Given) -> Setting[str | None]:
    if options.voice_model is not None:
        if options.voice is not None:
            raise OptionError("give --voice or --voice-model, not both")
        return Setting(str(options.voice_model.resolve()), "--voice-model")
    if options.voice is not None:
        return Setting(options.voice, "--voice")
    model = given.remembered.get("voice_model")
    if model is not None:
        return Setting(str(Path(str(model.value)).resolve()), SETTINGS_FILE, model.where)
    remembered = given.remembered.get("voice")
    if remembered is not None:
        return Setting(str(remembered.value), SETTINGS_FILE, remembered.where)
    if routine.voice.name is not None:
        return Setting(routine.voice.name, ROUTINE, routine.voice.name_where)
    return Setting(None)


def _one_speaker(
    engine: Setting[str | None], voice: Setting[str | None]
) -> tuple[Setting[str | None], Setting[str | None]]:
    """An engine and a voice from different places, one of them the settings file: the one from
    the higher place decides, and the other is left to it (an engine speaks with its own voice for
    the language; a voice picks its engine). The command line and the routine together keep
    working as they always have."""
    if engine.value is None or voice.value is None or engine.origin == voice.origin:
        return engine, voice
    if SETTINGS_FILE not in (engine.origin, voice.origin):
        return engine, voice
    if _rank(engine) < _rank(voice):
        return engine, Setting(None)
    return Setting(None), voice


def _rank(setting: Setting[str | None]) -> int:
    """Higher places first: the command line, the settings file, the routine."""
    if setting.origin.startswith("--"):
        return 0
    return 1 if setting.origin == SETTINGS_FILE else 2


def _bed(routine: Routine, options: SessionOptions, given: _Given) -> Setting[Bedding | None]:
    chosen = given.get("soundscape", "--soundscape")
    if chosen is not None:
        if chosen.value == "none":
            return Setting(None, chosen.origin, chosen.where)
        folder = Path.cwd() if chosen.where is None else Path(chosen.where.source).parent
        return Setting(Bedding(chosen.value, folder, chosen.where), chosen.origin, chosen.where)
    written: SoundscapeChoice | None = routine.soundscape
    if written is None:
        return Setting(None)
    bedding = Bedding(written.name, Path(routine.folder), written.where)
    return Setting(bedding, ROUTINE, written.where)


def _breathing(routine: Routine, given: _Given) -> Setting[SessionBreathing | None]:
    chosen = given.get("breathing", "--breathing")
    during = given.get("breathing_during", "--breathing-during")
    if chosen is not None:
        if chosen.value == "none":
            return Setting(None, chosen.origin, chosen.where)
        if chosen.value not in BUILTIN_PATTERNS:
            known = ", ".join(BUILTIN_PATTERNS)
            raise OptionError(
                f"expected a breathing pattern from {known} (or none), got '{chosen.value}'"
            )
        when = (
            during.value
            if during
            else (routine.breathing.during if routine.breathing else DEFAULT_BREATHING_DURING)
        )
        pattern = BUILTIN_PATTERNS[chosen.value]
        return Setting(SessionBreathing(pattern, when), chosen.origin, chosen.where)
    if routine.breathing is None:
        return Setting(None)
    if during is not None:
        return Setting(
            SessionBreathing(routine.breathing.pattern, during.value), during.origin, during.where
        )
    return Setting(routine.breathing, ROUTINE, routine.where_of("breathing"))


def _chime(routine: Routine, given: _Given) -> Setting[str | None]:
    chosen = given.get("chime", "--chime")
    if chosen is not None:
        return Setting(
            None if chosen.value == "none" else chosen.value, chosen.origin, chosen.where
        )
    where = routine.where_of("chime")
    return Setting(routine.chime, ROUTINE, where) if where else Setting(routine.chime)


def _recordings(routine: Routine, options: SessionOptions) -> Setting[Path | None]:
    if options.recordings is not None:
        return Setting(options.recordings, "--recordings")
    if routine.recordings_folder is not None:
        return Setting(routine.recordings_folder, ROUTINE)
    return Setting(None)


def origins(settings: Settings) -> list[str]:
    """For ``-v``: every setting, its value, and where it came from (the option, the settings
    file's line, the routine's line, or the default)."""
    bed, breathing = settings.bed.value, settings.breathing.value
    shown: list[tuple[str, Setting[Any], str]] = [
        ("engine", settings.engine, settings.engine.value or "the best installed"),
        ("voice", settings.voice, settings.voice.value or "the engine's, for the language"),
        ("rate", settings.rate_wpm, _unit(settings.rate_wpm.value, "wpm", "the engine's")),
        ("pitch", settings.pitch, _unit(settings.pitch.value, "", "the engine's")),
        ("minutes", settings.target_s, _unit(settings.target_s.value, "s", "as written")),
        ("soundscape", settings.bed, bed.name if bed else "none"),
        ("soundscape-gain", settings.bed_gain_db, f"{settings.bed_gain_db.value:g} dB"),
        ("breathing", settings.breathing,
         f"{breathing.pattern.name} ({breathing.during})" if breathing else "none"),
        ("chime", settings.chime, settings.chime.value or "none"),
        ("loudness", settings.loudness_lufs, f"{settings.loudness_lufs.value:g} LUFS"),
        ("linger", settings.linger_s, f"{settings.linger_s.value:g} s"),
        ("recordings", settings.recordings, str(settings.recordings.value or "none")),
    ]  # fmt: skip
    width = max(len(label) for label, _, _ in shown)
    return [f"{label:<{width}}  {text} ({_origin(setting)})" for label, setting, text in shown]


def _unit(value: float | None, unit: str, otherwise: str) -> str:
    return otherwise if value is None else f"{value:g} {unit}".rstrip()


def _origin(setting: Setting[Any]) -> str:
    where = setting.where
    if where is None:
        return setting.origin
    place = f"{where.source}:{where.line}" if where.line is not None else where.source
    return f"{setting.origin}, {place}"

"""The voice of a session: the engine and voice chosen from the settings, the recordings found,
every line the session says, and speaking them through the cache."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from voiceguide.errors import (
    InputError,
    OptionError,
    RoutineError,
    UnknownVoiceError,
    VoiceguideError,
)
from voiceguide.preparing.model import Progress, SessionOptions
from voiceguide.preparing.settings import Settings, resolve
from voiceguide.routine import Routine
from voiceguide.timeline import Line, spoken_lines

if TYPE_CHECKING:
    from voiceguide.recordings.lookup import Lookup
    from voiceguide.speech import ClipCache, EngineChoice, Samples, Voice


@dataclass(frozen=True, slots=True)
class Voicing:
    """The engine and voice chosen for a routine, and every line it will say."""

    choice: EngineChoice
    voice: Voice
    cache: ClipCache
    recordings: dict[str, str]  # recording name -> file
    lines: tuple[Line, ...]
    recording_notes: tuple[str, ...] = ()


def chosen_voice(settings: Settings) -> tuple[EngineChoice, Voice]:
    """The engine and voice the settings choose, nothing spoken: what a session speaks with and
    what ``list`` shows. (The engine's choice for a language lives in ``speech.choose_engine``.)"""
    from voiceguide.speech import VoiceRequest, choose_engine, resolve_voice

    engine, voice_name = settings.engine, settings.voice.value
    choice = choose_engine(
        engine.value, engine.origin, settings.language, voice_name, settings.cache_dir
    )
    request = VoiceRequest(voice_name, settings.rate_wpm.value, settings.pitch.value)
    return choice, resolve_voice(choice.engine, request, settings.language)


def speaker(routine: Routine, options: SessionOptions) -> tuple[str, str]:
    """(engine, voice) that would speak ``routine`` with ``options``, nothing spoken (``list``);
    a voice that cannot be had is named as such, not raised."""
    try:
        choice, voice = chosen_voice(resolve(routine, options))
    except VoiceguideError as error:
        return "none", f"({error})"
    return choice.engine.name, voice.name


def voicing(routine: Routine, settings: Settings) -> Voicing:
    from voiceguide.speech import ClipCache

    try:
        choice, voice = chosen_voice(settings)
    except UnknownVoiceError as error:
        raise located_voice_error(routine, settings, error) from None
    found = recordings_lookup(routine, settings)
    recordings = recorded_files(found)
    notes = tuple(found[1].describe()) if found is not None else ()
    lines = spoken_lines(routine, recordings)
    return Voicing(choice, voice, ClipCache(settings.cache_dir), recordings, lines, notes)


def speak(
    routine: Routine,
    settings: Settings,
    voicing: Voicing,
    lines: Sequence[Line],
    progress: Progress | None,
    arrived: Callable[[dict[Line, Samples]], None] | None = None,
) -> dict[Line, Samples]:
    """Each of ``lines`` ready to mix: from the cache, a recording, or the engine (then cached);
    ``arrived`` is told of the clips ready so far as they come (an early start's drafts)."""
    from voiceguide.clips import voice_clips

    try:
        return voice_clips(
            voicing.choice.engine, voicing.voice, lines, voicing.cache,
            sample_rate=settings.sample_rate,
            progress=(lambda done, total: progress("speaking", done, total)) if progress else None,
            arrived=arrived,
        )  # fmt: skip
    except UnknownVoiceError as error:
        raise located_voice_error(routine, settings, error) from None


def located_voice_error(
    routine: Routine, settings: Settings, error: UnknownVoiceError
) -> VoiceguideError:
    """Point at the routine's voice.name or language when that is where the voice came from."""
    if settings.voice.origin.startswith("--"):
        return error
    where = settings.voice.where if settings.voice.value else routine.language_where
    if where is None:
        return error
    message = str(error) if settings.voice.value else f"no voice for this language: {error}"
    return RoutineError(where.source, where.line, where.field, message)


def refuse_silent_lines(
    routine: Routine, clips: Mapping[Line, Samples], recordings: Mapping[str, str]
) -> None:
    """A line the voice renders as nothing (say, only punctuation) is a mistake in the routine;
    a recording with no sound in it is named, with the line it was meant for."""
    from voiceguide.timeline import step_of_lines

    steps = step_of_lines(routine, recordings)
    for line, samples in clips.items():
        if len(samples) == 0:
            where = routine.steps[steps[line]].say_where
            if line.recording is not None:
                place = f"{where.source}:{where.line}" if where.line is not None else where.source
                raise InputError(
                    f"{line.recording}: no sound in this recording; it is meant for "
                    f"'{line.text[:60]}' ({place}): record it again or remove it"
                )
            raise RoutineError(
                where.source, where.line, where.field,
                f"the voice says nothing for '{line.text[:40]}'",
            )  # fmt: skip


def recorded_files(found: tuple[Path, Lookup] | None) -> dict[str, str]:
    """Recorded lines: line name -> file. Names: ``STEP`` (the step's opening words),
    ``STEP-right`` / ``STEP-left`` (one side's round), ``STEP-switch``, ``STEP-promptN``. A take
    recorded for other words (stale) is left out: the voice speaks that line."""
    if found is None:
        return {}
    folder, lookup = found
    return {name: str((folder / file).resolve()) for name, file in lookup.used}


def recordings_lookup(routine: Routine, settings: Settings) -> tuple[Path, Lookup] | None:
    """The recordings folder and which of its files say which line (None: no folder given)."""
    folder = settings.recordings.value
    if folder is None:  # (the recordings room is imported only when there are recordings)
        return None
    from voiceguide.recordings.folder import recording_files
    from voiceguide.recordings.length import take_seconds
    from voiceguide.recordings.lines import routine_lines
    from voiceguide.recordings.lookup import match_recordings
    from voiceguide.recordings.manifest import read_manifest

    if not folder.is_dir():
        raise OptionError(f"{folder}: expected a folder of recorded lines")
    files = recording_files(folder)
    lookup = match_recordings(
        routine_lines(routine), files, read_manifest(folder), take_seconds(folder, files)
    )
    return folder, lookup

"""The library's front door: find a routine, plan it, render it, export it.

Everything the CLI does goes through here; nothing here prints.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from voiceguide.errors import (
    InputError,
    OptionError,
    RoutineError,
    UnknownVoiceError,
    VoiceguideError,
)
from voiceguide.routine import Routine, bundled_names, find_routine, load_bundled
from voiceguide.timeline import (
    LEAD_IN_S,
    LEAD_OUT_S,
    Line,
    PlanOptions,
    Timeline,
    plan,
    spoken_lines,
)

if (
    TYPE_CHECKING
):  # heavy modules are imported where they are used, so `voiceguide --help` stays quick
    import numpy as np

    from voiceguide.export import EncodeOptions, Outputs
    from voiceguide.export.cover import Cover
    from voiceguide.recordings.lookup import Lookup
    from voiceguide.render import Leveling, Mix
    from voiceguide.sound.beds import Bed, SoundscapeInfo
    from voiceguide.speech import ClipCache, EngineChoice, Samples, Voice, VoiceInfo

Progress = Callable[[str, int, int], None]  # (stage, done, total)


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


@dataclass(frozen=True, slots=True)
class RoutineSummary:
    name: str
    title: str
    audience: str
    steps: int
    length_s: float  # as written; the spoken session lasts this long unless --minutes changes it
    description: str
    language: str = "en"


def load(name_or_path: str) -> Routine:
    """A bundled routine by name, or a routine file by path."""
    return find_routine(name_or_path)


def list_routines() -> list[RoutineSummary]:
    summaries = []
    for name in bundled_names():
        routine = load_bundled(name)
        summaries.append(
            RoutineSummary(
                name,
                routine.title,
                routine.audience.value,
                len(routine.steps),
                LEAD_IN_S + routine.steps_s + LEAD_OUT_S + routine.linger_s,
                routine.description,
                routine.language,
            )
        )
    return summaries


DEFAULT_BED_GAIN_DB = -18.0  # the bed this far under the voice (and 10 dB further while it speaks)


def prepare(
    routine: Routine, options: SessionOptions = SessionOptions(), progress: Progress | None = None
) -> Session:
    """Check the soundscape, speak every line (through the cache), plan, and level the session."""
    bed = _load_bed(routine, options)  # a missing soundscape is reported before any work starts
    voicing = _voicing(routine, options)
    clips = _speak(routine, options, voicing, voicing.lines, progress)
    return _whole(routine, options, voicing, bed, clips)


def timeline(
    routine: Routine, options: SessionOptions = SessionOptions(), progress: Progress | None = None
) -> Timeline:
    """The session's timeline alone: every line spoken (through the cache) and measured, nothing
    mixed or leveled. The same value :func:`prepare` plans, for the same routine and options."""
    voicing = _voicing(routine, options)
    clip_s = _clip_lengths(routine, options, voicing, progress)
    return plan(routine, clip_s, _voiced_plan_options(routine, options, voicing))


def clip_lengths(
    routine: Routine, options: SessionOptions = SessionOptions(), progress: Progress | None = None
) -> dict[Line, float]:
    """How long each line the routine speaks lasts, in seconds, ready to mix (through the cache):
    with :func:`voiceguide.timeline.plan`, every layout of the routine at this voice and rate."""
    return _clip_lengths(routine, options, _voicing(routine, options), progress)


def _clip_lengths(
    routine: Routine, options: SessionOptions, voicing: _Voicing, progress: Progress | None
) -> dict[Line, float]:
    clips = _speak(routine, options, voicing, voicing.lines, progress)
    _refuse_silent_lines(routine, clips, voicing.recordings)
    return {line: len(samples) / options.sample_rate for line, samples in clips.items()}


def _whole(
    routine: Routine,
    options: SessionOptions,
    voicing: _Voicing,
    bed: Bed | None,
    clips: dict[Line, Samples],
) -> Session:
    """The session from every line's clip."""
    from voiceguide.speech.cache import trim_cache

    _refuse_silent_lines(routine, clips, voicing.recordings)
    session = _assemble(routine, options, voicing, bed, clips)
    trim_cache(voicing.cache.root)  # the cache stays under its size limit
    return session


EARLY_WORDS = 30  # an early start speaks the first lines, this many words or more, then plays


@dataclass(frozen=True, slots=True)
class EarlyStart:
    """A session that can start playing before all of it is spoken.

    ``session`` is exact up to ``ready_until_s``, where the first line not yet spoken would start:
    the first few lines are spoken, the rest are silent placeholders, and the master gain is
    measured on what comes before that point. ``final`` becomes the whole session, exactly as
    :func:`prepare` makes it (the lines already spoken come from the cache).
    """

    session: Session
    ready_until_s: float
    final: Future[Session]


def prepare_to_play(
    routine: Routine, options: SessionOptions = SessionOptions(), progress: Progress | None = None
) -> Session | EarlyStart:
    """The whole session when its lines are cached (or when ``minutes`` needs every line's length
    to lay out the first one); otherwise an early start, with the rest spoken in the background."""
    from voiceguide.clips import cached_clips

    bed = _load_bed(routine, options)
    voicing = _voicing(routine, options)
    spoken = [line for line in voicing.lines if line.recording is None]
    cached = cached_clips(
        voicing.choice.engine, voicing.voice, spoken, voicing.cache, sample_rate=options.sample_rate
    )
    if options.minutes is None:
        now = _early_lines(voicing.lines, cached)
    else:
        now = [line for line in voicing.lines if line not in cached]
    clips = {**cached, **_speak(routine, options, voicing, now, progress)}
    pending = {line for line in voicing.lines if line not in clips}
    if not pending:  # nothing left to speak: this is the whole session
        return _whole(routine, options, voicing, bed, clips)
    _refuse_silent_lines(routine, clips, voicing.recordings)
    import numpy

    silent = numpy.zeros(0, dtype=numpy.float32)  # a placeholder: plays nothing, takes no time
    draft = _assemble(
        routine, options, voicing, bed, {**clips, **dict.fromkeys(pending, silent)},
        pending=pending,
    )  # fmt: skip
    ready_until_s = _first_start(draft.timeline, pending)
    return EarlyStart(draft, ready_until_s, _in_background(lambda: prepare(routine, options)))


def _early_lines(lines: Sequence[Line], cached: Mapping[Line, Samples]) -> list[Line]:
    """The first lines up to :data:`EARLY_WORDS` words not yet cached, and the recorded ones."""
    chosen: list[Line] = []
    words = 0
    for line in lines:
        if line.recording is not None or line in cached:
            continue
        if words >= EARLY_WORDS:
            break
        chosen.append(line)
        words += len(line.text.split())
    return chosen + [line for line in lines if line.recording is not None]


def _first_start(timeline: Timeline, lines: set[Line]) -> float:
    """When the first of ``lines`` is spoken."""
    return min(event.start_s for event in timeline.events if event.line in lines)


def _in_background(work: Callable[[], Session]) -> Future[Session]:
    """``work()`` on a daemon thread (a player stopped early does not wait for it)."""
    future: Future[Session] = Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(work())
        except BaseException as error:  # handed to whoever waits on the future
            future.set_exception(error)

    threading.Thread(target=run, name="voiceguide-prepare", daemon=True).start()
    return future


@dataclass(frozen=True, slots=True)
class _Voicing:
    """The engine and voice chosen for a routine, and every line it will say."""

    choice: EngineChoice
    voice: Voice
    cache: ClipCache
    recordings: dict[str, str]
    lines: tuple[Line, ...]
    recording_notes: tuple[str, ...] = ()


def _voicing(routine: Routine, options: SessionOptions) -> _Voicing:
    from voiceguide.speech import ClipCache, VoiceRequest, resolve_voice

    settings = routine.voice
    request = VoiceRequest(_voice_option(options), options.rate_wpm, options.pitch).over(
        VoiceRequest(settings.name, settings.rate_wpm, settings.pitch)
    )
    choice = _choose_engine(routine, options, request.name)
    try:
        voice = resolve_voice(choice.engine, request, routine.language)
    except UnknownVoiceError as error:
        raise _located_voice_error(routine, options, error) from None
    found = recordings_lookup(routine, options)
    recordings = _recorded_files(found)
    notes = tuple(found[1].describe()) if found is not None else ()
    lines = spoken_lines(routine, recordings)
    return _Voicing(choice, voice, ClipCache(options.cache_dir), recordings, lines, notes)


def _speak(
    routine: Routine,
    options: SessionOptions,
    voicing: _Voicing,
    lines: Sequence[Line],
    progress: Progress | None,
) -> dict[Line, Samples]:
    from voiceguide.clips import voice_clips

    try:
        return voice_clips(
            voicing.choice.engine, voicing.voice, lines, voicing.cache,
            sample_rate=options.sample_rate,
            progress=(lambda done, total: progress("speaking", done, total)) if progress else None,
        )  # fmt: skip
    except UnknownVoiceError as error:
        raise _located_voice_error(routine, options, error) from None


def _assemble(
    routine: Routine,
    options: SessionOptions,
    voicing: _Voicing,
    bed: Bed | None,
    clips: dict[Line, Samples],
    *,
    pending: set[Line] | None = None,
) -> Session:
    """Plan the session around its clips, mix it and level it: measuring it all or, when some
    lines are ``pending`` (placeholders, not yet spoken), only what comes before the first."""
    from voiceguide.render import Ducking, Mix, normalize
    from voiceguide.routine.model import LOUDNESS_PRESETS
    from voiceguide.sound.level import CLIP_LOUDNESS_LUFS

    clip_s = {line: len(samples) / options.sample_rate for line, samples in clips.items()}
    timeline = plan(routine, clip_s, _voiced_plan_options(routine, options, voicing))
    bed_gain = 0.0
    if bed is not None:
        gain_db = _first(
            options.soundscape_gain_db, _routine_bed_gain(routine), DEFAULT_BED_GAIN_DB
        )
        bed_gain = 10 ** ((CLIP_LOUDNESS_LUFS + gain_db - bed.loudness_lufs) / 20)
    mix = Mix(
        timeline, clips, options.sample_rate, bed, bed_gain, Ducking.from_events(timeline.events)
    )
    target = _first(options.loudness_lufs, routine.loudness_lufs, LOUDNESS_PRESETS["spoken"])
    until_s = _first_start(timeline, pending) if pending else None
    mix, leveling = normalize(
        mix, target_lufs=target, ceiling_dbtp=options.ceiling_dbtp,
        cache_dir=voicing.cache.root, until_s=until_s,
    )  # fmt: skip
    return Session(
        routine, timeline, voicing.choice.engine.name, voicing.voice.name, mix, leveling,
        bed.name if bed else None, voicing.choice.reason, voicing.recording_notes,
    )  # fmt: skip


def _voice_option(options: SessionOptions) -> str | None:
    if options.voice_model is None:
        return options.voice
    if options.voice is not None:
        raise OptionError("give --voice or --voice-model, not both")
    return str(options.voice_model.resolve())


def _choose_engine(
    routine: Routine, options: SessionOptions, voice_name: str | None
) -> EngineChoice:
    from voiceguide.speech import choose_engine

    if options.voice_model is not None and options.engine not in (None, "piper"):
        raise OptionError(f"--voice-model needs the piper engine, not {options.engine}")
    if options.engine or options.voice_model is not None:
        return choose_engine(
            options.engine or "piper",
            "--engine" if options.engine else "--voice-model",
            routine.language,
            cache_root=options.cache_dir,
        )
    return choose_engine(
        routine.voice.engine, "the routine", routine.language, voice_name, options.cache_dir
    )


def _located_voice_error(
    routine: Routine, options: SessionOptions, error: UnknownVoiceError
) -> VoiceguideError:
    """Point at the routine's voice.name or language when that is where the voice came from."""
    if options.voice is not None or options.voice_model is not None:
        return error
    where = routine.voice.name_where if routine.voice.name else routine.language_where
    if where is None:
        return error
    message = str(error) if routine.voice.name else f"no voice for this language: {error}"
    return RoutineError(where.source, where.line, where.field, message)


def _refuse_silent_lines(
    routine: Routine, clips: dict[Line, Samples], recordings: Mapping[str, str]
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
                where.source,
                where.line,
                where.field,
                f"the voice says nothing for '{line.text[:40]}'",
            )


def find_recordings(routine: Routine, options: SessionOptions) -> dict[str, str]:
    """Recorded lines: line name -> file, from the folder given by ``--recordings`` or the routine.

    Names: ``STEP`` (the step's opening words), ``STEP-right`` / ``STEP-left`` (one hand's round),
    ``STEP-switch``, ``STEP-promptN`` (the Nth prompt, from 1). A take recorded for other words
    (stale, see :func:`recordings_lookup`) is left out: the voice speaks that line.
    """
    return _recorded_files(recordings_lookup(routine, options))


def _recorded_files(found: tuple[Path, Lookup] | None) -> dict[str, str]:
    if found is None:
        return {}
    folder, lookup = found
    return {name: str((folder / file).resolve()) for name, file in lookup.used}


def recordings_lookup(routine: Routine, options: SessionOptions) -> tuple[Path, Lookup] | None:
    """The recordings folder and which of its files say which line (None: no folder given)."""
    from voiceguide.recordings.lines import routine_lines
    from voiceguide.recordings.lookup import match_recordings
    from voiceguide.recordings.manifest import read_manifest

    if options.recordings is not None:
        folder = options.recordings
    elif routine.recordings is not None:
        folder = Path(routine.folder) / routine.recordings
    else:
        return None
    if not folder.is_dir():
        raise OptionError(f"{folder}: expected a folder of recorded lines")
    files = [path.name for path in folder.iterdir() if path.is_file()]
    return folder, match_recordings(routine_lines(routine), files, read_manifest(folder))


def recording_warnings(routine: Routine, options: SessionOptions) -> list[str]:
    """Stale takes and files that match no line, one sentence each (for ``validate``)."""
    found = recordings_lookup(routine, options)
    if found is None:
        return []
    return [note for note in found[1].describe() if not note.startswith("recording: ")]


def _first(*values: float | None) -> float:
    return next(value for value in values if value is not None)


def _routine_bed_gain(routine: Routine) -> float | None:
    return routine.soundscape.gain_db if routine.soundscape else None


def _load_bed(routine: Routine, options: SessionOptions) -> Bed | None:
    from voiceguide.sound.beds import load_bed

    if options.soundscape == "none":
        return None
    if options.soundscape is not None:
        return load_bed(options.soundscape, folder=Path.cwd(), sample_rate=options.sample_rate)
    if routine.soundscape is None:
        return None
    where = routine.soundscape.where
    try:
        return load_bed(
            routine.soundscape.name, folder=Path(routine.folder), sample_rate=options.sample_rate
        )
    except InputError as error:
        raise RoutineError(where.source, where.line, where.field, str(error)) from None


def _voiced_plan_options(
    routine: Routine, options: SessionOptions, voicing: _Voicing
) -> PlanOptions:
    return dataclasses.replace(
        _plan_options(routine, options),
        recordings=tuple(sorted(voicing.recordings.items())),
        rate_wpm=voicing.voice.rate_wpm,
    )


def _plan_options(routine: Routine, options: SessionOptions) -> PlanOptions:
    from voiceguide.routine.model import BUILTIN_PATTERNS, SessionBreathing

    breathing: SessionBreathing | Literal["routine"] | None = "routine"
    if options.breathing == "none":
        breathing = None
    elif options.breathing is not None:
        if options.breathing not in BUILTIN_PATTERNS:
            known = ", ".join(BUILTIN_PATTERNS)
            raise OptionError(
                f"expected a breathing pattern from {known} (or none), got '{options.breathing}'"
            )
        during = options.breathing_during or (
            routine.breathing.during if routine.breathing else "edges"
        )
        breathing = SessionBreathing(BUILTIN_PATTERNS[options.breathing], during)
    elif options.breathing_during is not None and routine.breathing is not None:
        breathing = SessionBreathing(routine.breathing.pattern, options.breathing_during)
    chime: str | Literal["routine"] | None = "routine"
    if options.chime is not None:
        chime = None if options.chime == "none" else options.chime
    return PlanOptions(
        target_s=options.minutes * 60 if options.minutes is not None else None,
        breathing=breathing,
        chime=chime,
        linger_s=options.linger_minutes * 60 if options.linger_minutes is not None else None,
    )


def render(session: Session) -> Iterator[np.ndarray]:
    """The session's audio as ``(frames, 2)`` float32 blocks."""
    from voiceguide.render import render_blocks
    from voiceguide.render.ahead import ahead

    return ahead(render_blocks(session.mix))


def export(
    session: Session,
    path: Path,
    *,
    encoding: EncodeOptions | None = None,
    outputs: Outputs | None = None,
    force: bool = False,
    progress: Progress | None = None,
    cover: Cover | None = None,
    split: bool = False,
) -> list[Path]:
    """Write the session to ``path`` (the format from its extension) and any sidecars, atomically;
    with ``split``, one file per chapter and an M3U instead. ``cover`` defaults to the generated one.

    The session must have been prepared at the format's sample rate and true-peak ceiling
    (:func:`session_options_for` gives them).
    """
    from voiceguide.export import EncodeOptions, Outputs, format_for, metadata_for, write_session
    from voiceguide.export.cover import generated_cover
    from voiceguide.export.split import write_split

    encoding = encoding or EncodeOptions()
    fmt, mix = format_for(path), session.mix
    channels = 1 if encoding.mono else 2
    if fmt.name == "wav" and mix.total_frames * channels * 2 > 0xFFFFFFFF - 1_000_000:
        raise OptionError(
            f"{path.name}: a WAV file holds at most 4 GB, too little for this session; use .flac"
        )
    if mix.sample_rate != encoding.resolved_rate(fmt):
        raise OptionError(f"the session was prepared at {mix.sample_rate} Hz, not for {path.name}")
    cover = cover or generated_cover(session.routine.title)
    metadata = metadata_for(session.routine, session.timeline, cover)
    report = (lambda done, total: progress("rendering", done, total)) if progress else None
    if split:
        return write_split(
            path, render(session), fmt, metadata=metadata, sample_rate=mix.sample_rate,
            mono=encoding.mono, kbps=encoding.resolved_kbps(fmt), total_frames=mix.total_frames,
            force=force, progress=report,
        )  # fmt: skip
    return write_session(
        path, render(session), fmt, timeline=session.timeline, metadata=metadata,
        sample_rate=mix.sample_rate, mono=encoding.mono, kbps=encoding.resolved_kbps(fmt),
        total_frames=mix.total_frames, outputs=outputs or Outputs(), force=force, progress=report,
    )  # fmt: skip


def session_options_for(
    path: Path, options: SessionOptions, encoding: EncodeOptions | None = None
) -> SessionOptions:
    """``options`` with the sample rate and true-peak ceiling that the file at ``path`` needs."""
    from voiceguide.export import EncodeOptions, format_for

    fmt = format_for(path)
    rate = (encoding or EncodeOptions()).resolved_rate(fmt)
    return dataclasses.replace(options, sample_rate=rate, ceiling_dbtp=fmt.ceiling_dbtp)


def voices(engine: str | None = None) -> list[VoiceInfo]:
    """The voices of ``engine``; without one, the neural voices (when installed), then eSpeak NG's."""
    from voiceguide.speech import get_engine
    from voiceguide.speech.piper_engine import available

    if engine is not None:
        return list(get_engine(engine).voices())
    names = (["piper"] if available() else []) + ["espeak"]
    return [voice for name in names for voice in get_engine(name).voices()]


def soundscapes() -> list[SoundscapeInfo]:
    from voiceguide.sound.beds import bundled_soundscapes

    return bundled_soundscapes()

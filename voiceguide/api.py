"""The library's front door: find a routine, plan it, render it, export it.

Everything the CLI does goes through here; nothing here prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from voiceguide.routine import Routine, bundled_names, find_routine, load_bundled
from voiceguide.timeline import LEAD_IN_S, LEAD_OUT_S, PlanOptions, Timeline, plan, spoken_texts

if (
    TYPE_CHECKING
):  # heavy modules are imported where they are used, so `voiceguide --help` stays quick
    import numpy as np

    from voiceguide.render import Mix
    from voiceguide.speech import VoiceInfo

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True, slots=True)
class SessionOptions:
    """Everything that shapes a session besides the routine. ``None`` defers to the routine."""

    engine: str | None = None
    voice: str | None = None
    rate_wpm: int | None = None
    pitch: int | None = None
    minutes: float | None = None
    sample_rate: int = 44100
    cache_dir: Path | None = None


@dataclass(frozen=True, slots=True)
class Session:
    """A planned session: the routine, its timeline, and how the voice was chosen."""

    routine: Routine
    timeline: Timeline
    engine: str
    voice: str
    mix: Mix = field(repr=False)


@dataclass(frozen=True, slots=True)
class RoutineSummary:
    name: str
    title: str
    audience: str
    steps: int
    length_s: float  # as written; the spoken session lasts this long unless --minutes changes it
    description: str


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
                LEAD_IN_S + routine.steps_s + LEAD_OUT_S,
                routine.description,
            )
        )
    return summaries


def prepare(
    routine: Routine, options: SessionOptions = SessionOptions(), progress: Progress | None = None
) -> Session:
    """Speak every line (through the cache), measure the clips, and plan the timeline."""
    from voiceguide.render import make_mix
    from voiceguide.speech import ClipCache, VoiceRequest, get_engine, resolve_voice, speak_all
    from voiceguide.speech.prepare import prepare_clip

    engine = get_engine(options.engine or routine.voice.engine)
    settings = routine.voice
    request = VoiceRequest(options.voice, options.rate_wpm, options.pitch).over(
        VoiceRequest(settings.name, settings.rate_wpm, settings.pitch)
    )
    voice = resolve_voice(engine, request, routine.language)
    texts = spoken_texts(routine)
    raw = speak_all(
        engine, voice, texts, ClipCache(options.cache_dir),
        (lambda done, total: progress("speaking", done, total)) if progress else None,
    )  # fmt: skip
    clips = {text: prepare_clip(raw[text], sample_rate=options.sample_rate) for text in texts}
    clip_s = {text: len(samples) / options.sample_rate for text, samples in clips.items()}
    target_s = options.minutes * 60 if options.minutes is not None else None
    timeline = plan(routine, clip_s, PlanOptions(target_s=target_s))
    mix = make_mix(timeline, clips, sample_rate=options.sample_rate)
    return Session(routine, timeline, engine.name, voice.name, mix)


def render(session: Session) -> Iterator[np.ndarray]:
    """The session's audio as ``(frames, 2)`` float32 blocks."""
    from voiceguide.render import render_blocks

    return render_blocks(session.mix)


def export(
    session: Session, path: Path, *, force: bool = False, progress: Progress | None = None
) -> Path:
    """Write the session to ``path`` (format from the extension), atomically."""
    from voiceguide.export import write_audio
    from voiceguide.render import CHANNELS

    mix = session.mix
    return write_audio(
        path, render(session), sample_rate=mix.sample_rate, channels=CHANNELS,
        total_frames=mix.total_frames, force=force,
        progress=(lambda done, total: progress("rendering", done, total)) if progress else None,
    )  # fmt: skip


def voices(engine: str | None = None) -> list[VoiceInfo]:
    from voiceguide.speech import get_engine

    return list(get_engine(engine).voices())

"""The library's front door: find a routine, prepare a session, render it, export it, and the
operations the command line and ``export --all`` share. Nothing here prints.

Preparing a session lives in :mod:`voiceguide.preparing` (settings resolved once, the voice,
the early start); this module re-exports what callers use, each from where it is defined:
``prepare``, ``timeline`` and ``clip_lengths`` from :mod:`voiceguide.preparing.pipeline`,
``prepare_to_play`` from :mod:`voiceguide.preparing.early`, ``resolve`` from
:mod:`voiceguide.preparing.settings`. "Prepare" means one thing: a session made from a routine and
options (a clip is made *ready*, :mod:`voiceguide.speech.ready`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from voiceguide.config import Entry as SettingsEntry
from voiceguide.config import language_table, settings_path
from voiceguide.config import read_entries as settings_entries
from voiceguide.config import set_value as remember_setting
from voiceguide.config import unset_value as forget_setting
from voiceguide.errors import OptionError
from voiceguide.preparing.early import EarlyStart, prepare_to_play
from voiceguide.preparing.model import (
    Progress,
    Remembered,
    RememberedValue,
    Session,
    SessionOptions,
)
from voiceguide.preparing.pipeline import clip_lengths, prepare, timeline
from voiceguide.preparing.settings import Settings, resolve
from voiceguide.preparing.voicing import recordings_lookup, speaker
from voiceguide.routine import Routine, Where, vocabulary
from voiceguide.routine.vocabulary import ENGINE_NAMES, LOUDNESS_PRESETS
from voiceguide.routinefile import DEFAULT_ROUTINE, bundled_names, find_routine, load_bundled
from voiceguide.timeline import Timeline, format_timeline, written_length_s
from voiceguide.timetext import duration as format_duration

if TYPE_CHECKING:
    import numpy as np

    from voiceguide.cache.room import Usage
    from voiceguide.export import EncodeOptions, Outputs
    from voiceguide.export.cover import Cover
    from voiceguide.sound.beds import SoundscapeInfo
    from voiceguide.speech import VoiceInfo

__all__ = [
    "DEFAULT_ROUTINE", "ENGINE_NAMES", "LOUDNESS_PRESETS", "EarlyStart",
    "Progress", "Remembered", "RememberedValue", "RoutineSummary", "Session", "SessionOptions",
    "Settings", "SettingsEntry", "Where", "clip_lengths", "cover_for", "describe_timeline", "export",
    "forget_setting", "format_duration", "language_table", "list_routines", "load", "prepare",
    "prepare_to_play", "recording_warnings", "remember_setting", "render", "resolve",
    "session_options_for", "settings_entries", "settings_path", "soundscapes",
    "timeline", "vocabulary", "voices", "write_script",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class RoutineSummary:
    name: str
    title: str
    audience: str
    steps: int
    length_s: float  # as written; the spoken session lasts this long unless --minutes changes it
    description: str
    language: str = "en"
    engine: str = ""  # what will speak it, with the settings given (the settings file's too)
    voice: str = ""


def load(name_or_path: str) -> Routine:
    """A bundled routine by name, or a routine file by path."""
    return find_routine(name_or_path)


def list_routines(options: SessionOptions | None = None) -> list[RoutineSummary]:
    """The bundled routines; with ``options``, also the engine and voice each would speak with."""
    summaries = []
    for name in bundled_names():
        routine = load_bundled(name)
        length_s = written_length_s(routine)
        audience, steps = routine.audience.value, len(routine.steps)
        engine, voice = speaker(routine, options) if options is not None else ("", "")
        summaries.append(
            RoutineSummary(
                name, routine.title, audience, steps, length_s, routine.description,
                routine.language, engine, voice,
            )
        )  # fmt: skip
    return summaries


def recording_warnings(routine: Routine, options: SessionOptions) -> list[str]:
    """Stale takes and files that match no line, one sentence each (for ``validate``)."""
    found = recordings_lookup(routine, resolve(routine, options))
    if found is None:
        return []
    return [note for note in found[1].describe() if not note.startswith("recording: ")]


def describe_timeline(plan: Timeline) -> str:
    """The timed script as text, as ``voiceguide show`` prints it."""
    return format_timeline(plan)


def write_script(
    session: Session, path: Path, *, cover_file: Path | None = None, force: bool = False
) -> None:
    """The printable timed script: Markdown (``.md``) or HTML (``.html``, with the cover)."""
    from voiceguide.export import atomic_path
    from voiceguide.export.script import script_html, script_markdown

    suffix = path.suffix.lower()
    if suffix not in (".md", ".html", ".htm"):
        raise OptionError(
            f"cannot write '{path.name}': expected a file name ending in .md or .html"
        )
    if suffix == ".md":
        text = script_markdown(session.routine, session.timeline)
    else:
        text = script_html(
            session.routine, session.timeline, cover_for(session.routine, cover_file)
        )
    with atomic_path(path, force=force) as temporary:
        temporary.write_text(text, encoding="utf-8")


def cover_for(routine: Routine, cover_file: Path | None) -> Cover:
    """The listener's image when given (checked), else the routine's generated cover."""
    from voiceguide.export.cover import generated_cover, load_cover

    return load_cover(cover_file) if cover_file is not None else generated_cover(routine.title)


def cache_usage() -> Usage:
    """Where the cache is, what it holds by kind, and its size limit."""
    from voiceguide.cache.room import cache_usage as usage

    return usage()


def clear_cache() -> int:
    """Empty the cache; the number of files removed."""
    from voiceguide.cache.room import clear_cache as clear

    return clear()


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
    from voiceguide.export.encoders import Stream
    from voiceguide.export.split import write_split
    from voiceguide.render import render_blocks  # the encoder renders ahead on another core

    encoding = encoding or EncodeOptions()
    fmt, mix = format_for(path), session.mix
    channels = 1 if encoding.mono else 2
    if fmt.name == "wav" and mix.total_frames * channels * 2 > 0xFFFFFFFF - 1_000_000:
        raise OptionError(
            f"{path.name}: a WAV file holds at most 4 GB, too little for this session; use .flac"
        )
    if mix.sample_rate != encoding.resolved_rate(fmt):
        raise OptionError(f"the session was prepared at {mix.sample_rate} Hz, not for {path.name}")
    cover = cover or cover_for(session.routine, None)
    metadata = metadata_for(session.routine, session.timeline, cover)
    report = (lambda done, total: progress("rendering", done, total)) if progress else None
    stream = Stream(
        fmt, mix.sample_rate, encoding.mono, encoding.resolved_kbps(fmt), mix.total_frames
    )
    if split:
        return write_split(
            path, render_blocks(mix), stream, metadata=metadata, force=force, progress=report
        )
    return write_session(
        path, render_blocks(mix), stream, timeline=session.timeline, metadata=metadata,
        outputs=outputs or Outputs(), force=force, progress=report,
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

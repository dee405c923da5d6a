"""The whole session: settings resolved once, every line spoken (through the cache), planned,
mixed and leveled; or only its timeline, or only its lines' lengths."""

from __future__ import annotations

from typing import TYPE_CHECKING

from voiceguide.preparing.assemble import assemble, load_bed, plan_around
from voiceguide.preparing.model import Progress, Session, SessionOptions
from voiceguide.preparing.settings import Settings, resolve
from voiceguide.preparing.voicing import Voicing, refuse_silent_lines, speak, voicing
from voiceguide.routine import Routine
from voiceguide.timeline import Line, Timeline

if TYPE_CHECKING:
    from voiceguide.sound.beds import Bed
    from voiceguide.speech import Samples


def prepare(
    routine: Routine, options: SessionOptions = SessionOptions(), progress: Progress | None = None
) -> Session:
    """Check the soundscape, speak every line (through the cache), plan, and level the session."""
    settings = resolve(routine, options)
    bed = load_bed(settings)  # a missing soundscape is reported before any work starts
    voiced = voicing(routine, settings)
    clips = speak(routine, settings, voiced, voiced.lines, progress)
    return whole(routine, settings, voiced, bed, clips)


def timeline(
    routine: Routine, options: SessionOptions = SessionOptions(), progress: Progress | None = None
) -> Timeline:
    """The session's timeline alone: every line spoken (through the cache) and measured, nothing
    mixed or leveled. The same value :func:`prepare` plans, for the same routine and options."""
    settings = resolve(routine, options)
    voiced = voicing(routine, settings)
    clips = speak(routine, settings, voiced, voiced.lines, progress)
    refuse_silent_lines(routine, clips, voiced.recordings)
    return plan_around(routine, settings, voiced, clips)


def clip_lengths(
    routine: Routine, options: SessionOptions = SessionOptions(), progress: Progress | None = None
) -> dict[Line, float]:
    """How long each line the routine speaks lasts, in seconds, ready to mix (through the cache):
    with :func:`voiceguide.timeline.plan`, every layout of the routine at this voice and rate."""
    settings = resolve(routine, options)
    voiced = voicing(routine, settings)
    clips = speak(routine, settings, voiced, voiced.lines, progress)
    refuse_silent_lines(routine, clips, voiced.recordings)
    return {line: len(samples) / settings.sample_rate for line, samples in clips.items()}


def whole(
    routine: Routine,
    settings: Settings,
    voiced: Voicing,
    bed: Bed | None,
    clips: dict[Line, Samples],
) -> Session:
    """The session from every line's clip; the cache is trimmed to its size limit after."""
    from voiceguide.cache.room import trim_cache

    refuse_silent_lines(routine, clips, voiced.recordings)
    session = assemble(routine, settings, voiced, bed, clips)
    trim_cache(voiced.cache.root)
    return session

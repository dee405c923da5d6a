"""A session from its clips: the plan laid out around them, the soundscape under the voice, the
mix leveled to its loudness target."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from voiceguide.errors import InputError, RoutineError
from voiceguide.preparing.model import Session
from voiceguide.preparing.settings import Settings, origins
from voiceguide.preparing.voicing import Voicing
from voiceguide.routine import Routine
from voiceguide.timeline import Line, PlanOptions, Timeline, plan

if TYPE_CHECKING:
    from voiceguide.sound.beds import Bed
    from voiceguide.speech import Samples


def load_bed(settings: Settings) -> Bed | None:
    """The soundscape the settings name; one the routine named is reported at its line."""
    from voiceguide.cache import CacheRoom
    from voiceguide.sound.beds import load_bed as load

    bedding = settings.bed.value
    if bedding is None:
        return None
    try:
        return load(
            bedding.name, folder=bedding.folder, sample_rate=settings.sample_rate,
            cache_root=CacheRoom(settings.cache_dir).root,  # (the user's own by default)
        )  # fmt: skip
    except InputError as error:
        where = bedding.where
        if where is None:
            raise
        raise RoutineError(where.source, where.line, where.field, str(error)) from None


def plan_options(settings: Settings, voicing: Voicing) -> PlanOptions:
    return PlanOptions(
        target_s=settings.target_s.value,
        breathing=settings.breathing.value,
        chime=settings.chime.value,
        linger_s=settings.linger_s.value,
        recordings=tuple(sorted(voicing.recordings.items())),
        rate_wpm=voicing.voice.rate_wpm,
    )


def plan_around(
    routine: Routine, settings: Settings, voicing: Voicing, clips: Mapping[Line, Samples]
) -> Timeline:
    clip_s = {line: len(samples) / settings.sample_rate for line, samples in clips.items()}
    return plan(routine, clip_s, plan_options(settings, voicing))


def first_start(timeline: Timeline, lines: set[Line]) -> float:
    """When the first of ``lines`` is spoken."""
    return min(event.start_s for event in timeline.events if event.line in lines)


def assemble(
    routine: Routine,
    settings: Settings,
    voicing: Voicing,
    bed: Bed | None,
    clips: dict[Line, Samples],
    *,
    pending: set[Line] | None = None,
    level_span_s: float | None = None,
) -> Session:
    """Plan the session around its clips, mix it and level it: measuring it all or, when some
    lines are ``pending`` (placeholders, not yet spoken), only what comes before the first (and
    at most ``level_span_s``). With no voice before it, the level is the one that brings the
    voice itself to the target (the soundscape alone would be brought up to it)."""
    from voiceguide.render import Ducking, Leveling, Mix, normalize
    from voiceguide.sound.level import CLIP_LOUDNESS_LUFS

    timeline = plan_around(routine, settings, voicing, clips)
    bed_gain = 0.0
    if bed is not None:
        gain_db = settings.bed_gain_db.value
        bed_gain = 10 ** ((CLIP_LOUDNESS_LUFS + gain_db - bed.loudness_lufs) / 20)
    mix = Mix(
        timeline, clips, settings.sample_rate, bed, bed_gain, Ducking.from_events(timeline.events)
    )
    target_lufs = settings.loudness_lufs.value
    until_s = first_start(timeline, pending) if pending else None
    if until_s is not None and level_span_s is not None:
        until_s = min(until_s, level_span_s)
    if until_s is not None and not any(e.start_s < until_s for e in timeline.events):
        gain_db = target_lufs - CLIP_LOUDNESS_LUFS
        mix = mix.with_master_gain(10 ** (gain_db / 20))
        leveling = Leveling(CLIP_LOUDNESS_LUFS, gain_db, target_lufs, target_lufs, False)
    else:
        mix, leveling = normalize(
            mix, target_lufs=target_lufs, ceiling_dbtp=settings.ceiling_dbtp,
            cache_dir=voicing.cache.root, until_s=until_s,
        )  # fmt: skip
    return Session(
        routine, timeline, voicing.choice.engine.name, voicing.voice.name, mix, leveling,
        bed.name if bed else None, voicing.choice.reason, voicing.recording_notes,
        tuple(origins(settings)), variant(routine, settings, voicing),
    )  # fmt: skip


def variant(routine: Routine, settings: Settings, voicing: Voicing) -> str:
    """What the command line changed in the session, in a few words ("25 min, slow"), so that
    two exports of one routine have titles that tell them apart; "" when nothing did."""
    parts = []
    if settings.target_s.value is not None:
        parts.append(f"{settings.target_s.value / 60:.3g} min")
    if settings.rate_wpm.origin == "--rate":
        written = routine.voice.rate_wpm or voicing.choice.engine.default_voice.rate_wpm
        if voicing.voice.rate_wpm != written:
            parts.append("slow" if voicing.voice.rate_wpm < written else "fast")
    if settings.voice.origin in ("--voice", "--voice-model"):
        parts.append(f"voice {Path(voicing.voice.name).stem}")
    return ", ".join(parts)

"""Fast stand-ins beside the real components: a speech engine that makes tones instead of words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from voiceguide.render import Mix
from voiceguide.routine import Routine
from voiceguide.speech.base import Clip, Voice, VoiceInfo
from voiceguide.speech.ready import ready_clip
from voiceguide.timeline import PlanOptions, plan, spoken_lines

SECONDS_PER_CHAR = 0.05


def fake_clip_s(text: str) -> float:
    """The length the fake engine gives ``text``: 50 ms a character."""
    return len(text) * SECONDS_PER_CHAR


class ToneEngine:
    """Speaks each text as a 220 Hz tone of :func:`fake_clip_s` length that starts and stops at full
    level (the worst case for clicks: only voiceguide's own edge fades make it smooth)."""

    name = "tone"
    default_voice = Voice("tone", 140, 50)

    def __init__(self) -> None:
        self.spoken: list[str] = []

    def identity(self, voice: Voice) -> str:
        return "tone 1"

    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo(self.name, "tone", "en", "a test tone")]

    def synthesize(self, texts: Sequence[str], voice: Voice) -> list[Clip]:
        self.spoken.extend(texts)
        rate = 22050
        clips = []
        for text in texts:
            t = np.arange(round(fake_clip_s(text) * rate)) / rate
            clips.append(Clip((0.5 * np.cos(2 * np.pi * 220 * t)).astype(np.float32), rate))
        return clips


def tone_mix(routine: Routine, sample_rate: int = 44100) -> Mix:
    """The routine planned and mixed with :class:`ToneEngine` clips, no chimes: fast and exact."""
    engine = ToneEngine()
    lines = spoken_lines(routine)
    raw = engine.synthesize([line.text for line in lines], engine.default_voice)
    clips = {
        line: ready_clip(clip, sample_rate=sample_rate)
        for line, clip in zip(lines, raw, strict=True)
    }
    lengths = {line: len(samples) / sample_rate for line, samples in clips.items()}
    return Mix(
        plan(routine, lengths, replace(PlanOptions.of(routine), chime=None)), clips, sample_rate
    )

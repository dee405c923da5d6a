"""The mixer: a Timeline and its prepared clips -> float32 stereo blocks, in constant memory.

Each block is computed on its own from the timeline (no state carried between blocks), so rendering a
6-hour session costs no more memory than a 6-minute one, and any block can be rendered on its own
(which the player uses to start or jump anywhere).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from voiceguide.speech.base import Samples
from voiceguide.timeline import Timeline

SAMPLE_RATE = 44100
CHANNELS = 2
BLOCK_FRAMES = 65536
VOICE_PEAK_DB = -3.0  # the loudest voice sample after gain
CEILING_DB = -1.0  # no sample of the mix goes above this


def db_to_gain(db: float) -> float:
    return float(10 ** (db / 20))


@dataclass(frozen=True, slots=True)
class Mix:
    """What to render: the timeline, each text's prepared clip, and the voice gain."""

    timeline: Timeline
    clips: Mapping[str, Samples]
    sample_rate: int
    voice_gain: float

    @property
    def total_frames(self) -> int:
        return round(self.timeline.total_s * self.sample_rate)


def make_mix(
    timeline: Timeline, clips: Mapping[str, Samples], *, sample_rate: int = SAMPLE_RATE
) -> Mix:
    """Choose the voice gain so the loudest spoken sample sits at :data:`VOICE_PEAK_DB`."""
    peak = max(
        (float(np.max(np.abs(clips[e.text]), initial=0.0)) for e in timeline.events), default=0.0
    )
    gain = db_to_gain(VOICE_PEAK_DB) / peak if peak > 0 else 1.0
    return Mix(timeline, clips, sample_rate, gain)


def render_blocks(
    mix: Mix, *, start_frame: int = 0, block_frames: int = BLOCK_FRAMES
) -> Iterator[np.ndarray]:
    """Yield ``(frames, 2)`` float32 blocks from ``start_frame`` to the end of the session."""
    rate = mix.sample_rate
    starts = [round(event.start_s * rate) for event in mix.timeline.events]
    clips = [mix.clips[event.text] for event in mix.timeline.events]
    ends = [start + len(clip) for start, clip in zip(starts, clips, strict=True)]
    longest = max((len(clip) for clip in clips), default=0)
    total = mix.total_frames
    ceiling = db_to_gain(CEILING_DB)
    for block_start in range(start_frame, total, block_frames):
        block_end = min(block_start + block_frames, total)
        mono = np.zeros(block_end - block_start, dtype=np.float32)
        first = bisect.bisect_left(starts, block_start - longest)
        for index in range(first, len(starts)):
            start = starts[index]
            if start >= block_end:
                break
            if ends[index] <= block_start:
                continue
            lo, hi = max(start, block_start), min(ends[index], block_end)
            mono[lo - block_start : hi - block_start] += clips[index][lo - start : hi - start]
        mono *= mix.voice_gain * _master_envelope(mix, block_start, block_end)
        np.clip(mono, -ceiling, ceiling, out=mono)
        yield np.repeat(mono[:, None], CHANNELS, axis=1)


def _master_envelope(mix: Mix, block_start: int, block_end: int) -> np.ndarray | float:
    """A raised-cosine fade-in over the opening and a slow fade-out to silence at the very end.

    Computed only where a block overlaps a fade; elsewhere it is 1.
    """
    rate = mix.sample_rate
    timeline = mix.timeline
    fade_in_end = round(timeline.fade_in_s * rate)
    fade_out_start = round(timeline.fade_out_start_s * rate)
    if fade_in_end <= block_start and block_end <= fade_out_start:
        return 1.0
    t = np.arange(block_start, block_end, dtype=np.float64) / rate
    rise = np.clip(t / timeline.fade_in_s, 0.0, 1.0) if timeline.fade_in_s > 0 else np.ones_like(t)
    fade_s = timeline.total_s - timeline.fade_out_start_s
    fall = np.clip((timeline.total_s - t) / fade_s, 0.0, 1.0) if fade_s > 0 else np.ones_like(t)
    envelope = (0.5 - 0.5 * np.cos(np.pi * rise)) * (0.5 - 0.5 * np.cos(np.pi * fall))
    return envelope.astype(np.float32)

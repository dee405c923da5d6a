"""A take, from the microphone's samples: where to trim it and whether to keep it. When speech
starts and stops is :mod:`voiceguide.record.activity`'s (the room's spectrum, block by block).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from voiceguide.record.activity import (
    ONSET_OVER_ROOM_DB,
    STILL_SPEAKING_OVER_ROOM_DB,
    VoiceActivity,
    block_levels_db,
)

Samples = npt.NDArray[np.float32]

__all__ = ["Samples", "Verdict", "VoiceActivity", "block_levels_db", "judge"]

PAD_BEFORE_S, PAD_AFTER_S = 0.03, 0.03  # kept around the speech when trimming
TRIM_BELOW_PEAK_DB = 40.0  # a take's edges: its blocks this close to its loudest
EDGE_GAP_BLOCKS = 3  # a softer edge goes on across gaps this short (30 ms)
EDGE_FADE_S = 0.005
CLIP_LEVEL = 32766 / 32768
CLIPPED_RUN = 3  # samples in a row at full scale: clipping, not a loud peak
QUIET_PEAK_DBFS = -40.0  # the loudest 10 ms of speech under this: far too quiet
SPEECH_OVER_ROOM_LEVEL_DB = 12.0  # the loudest 10 ms of speech this far over the room's level
MIN_SPEECH_S = 0.15
NO_SPEECH = "no speech heard: speak after the tone (is the microphone on?)"
TOO_QUIET = "far too quiet: move closer to the microphone, or speak up"


@dataclass(frozen=True, slots=True)
class Verdict:
    """A take ready to keep (``problem`` None), or the reason it is refused."""

    samples: Samples  # trimmed, with faded edges
    start_frame: int  # where the trimmed take began in what was heard
    problem: str | None


def judge(samples: Samples, sample_rate: int) -> Verdict:
    """Trim the room around the speech and check the take: clipped, far too quiet, or none."""
    empty = np.zeros(0, dtype=np.float32)
    if _clipped(samples):
        return Verdict(empty, 0, "clipped: move back from the microphone, or speak more softly")
    activity = VoiceActivity(sample_rate, end_silence_s=np.inf, no_speech_s=np.inf, max_s=np.inf)
    activity.feed(samples)
    over = np.array(activity.over_db)
    levels = np.array(activity.levels)
    if activity.started_block is None:
        heard_something = bool((over > ONSET_OVER_ROOM_DB).any())
        return Verdict(empty, 0, TOO_QUIET if heard_something else NO_SPEECH)
    strong = np.flatnonzero(over > ONSET_OVER_ROOM_DB)
    strong = strong[strong >= activity.started_block]
    peak = float(levels[strong[0] : strong[-1] + 1].max())
    # the edges: blocks that stand out of the room, and not far under the speech's loudest
    edge = (over > STILL_SPEAKING_OVER_ROOM_DB) & (levels > peak - TRIM_BELOW_PEAK_DB)
    inner = strong[levels[strong] > peak - TRIM_BELOW_PEAK_DB]
    first, last = _edge(edge, int(inner[0]), -1), _edge(edge, int(inner[-1]), +1)
    block = activity.block_frames
    if (last + 1 - first) * block < MIN_SPEECH_S * sample_rate:
        return Verdict(empty, 0, NO_SPEECH)
    if peak < QUIET_PEAK_DBFS or peak < activity.room.level_dbfs + SPEECH_OVER_ROOM_LEVEL_DB:
        return Verdict(empty, 0, TOO_QUIET)
    start = max(0, first * block - round(PAD_BEFORE_S * sample_rate))
    end = min(len(samples), (last + 1) * block + round(PAD_AFTER_S * sample_rate))
    return Verdict(_faded(samples[start:end], sample_rate), start, None)


def _edge(edge: npt.NDArray[np.bool_], at: int, step: int) -> int:
    """From a block of speech, outward (``step`` -1 or +1) over the ``edge`` blocks, across gaps
    of up to :data:`EDGE_GAP_BLOCKS`."""
    while True:
        ahead = [at + step * k for k in range(1, EDGE_GAP_BLOCKS + 1)]
        going = [i for i in ahead if 0 <= i < len(edge) and edge[i]]
        if not going:
            return at
        at = going[0]


def _clipped(samples: Samples) -> bool:
    full = np.abs(samples) >= CLIP_LEVEL
    if not full.any():
        return False
    run = np.convolve(full.astype(np.int8), np.ones(CLIPPED_RUN, dtype=np.int8), mode="valid")
    return bool((run >= CLIPPED_RUN).any())


def _faded(samples: Samples, sample_rate: int) -> Samples:
    out = samples.astype(np.float32, copy=True)
    fade = min(len(out) // 2, round(EDGE_FADE_S * sample_rate))
    if fade:
        ramp = (0.5 - 0.5 * np.cos(np.pi * np.arange(fade) / fade)).astype(np.float32)
        out[:fade] *= ramp
        out[len(out) - fade :] *= ramp[::-1]
    return out

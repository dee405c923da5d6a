"""How long a voice is heard: voice activity on a signal, for measuring the pace of speech.

Voiced time counts 10 ms frames within 35 dB of the loud end of the signal (its 95th percentile),
with silences shorter than :data:`BRIDGE_S` counted in (the stops between words); longer silences
are pauses and left out, as speech research does for articulation rate.
"""

from __future__ import annotations

import numpy as np

FRAME_S = 0.01
RANGE_DB = 35.0
BRIDGE_S = 0.25


def voiced_s(samples: np.ndarray, sample_rate: int) -> float:
    """Seconds of voice in ``samples`` (mono, or ``(frames, channels)``, which are averaged)."""
    mono = samples.mean(axis=1) if samples.ndim == 2 else samples
    frame = max(1, round(sample_rate * FRAME_S))
    usable = len(mono) // frame * frame
    if usable == 0:
        return 0.0
    power = np.mean(mono[:usable].astype(np.float64).reshape(-1, frame) ** 2, axis=1)
    level_db = 10 * np.log10(power + 1e-20)
    heard = level_db > -150
    if not heard.any():
        return 0.0
    loud = level_db > np.percentile(level_db[heard], 95) - RANGE_DB
    frames = np.flatnonzero(loud)
    gaps = np.diff(frames) - 1
    bridged = gaps[(gaps > 0) & (gaps * FRAME_S < BRIDGE_S)].sum()
    return float((len(frames) + bridged) * FRAME_S)


def words_per_minute(words: int, samples: np.ndarray, sample_rate: int) -> float:
    """The pace heard: words over voiced time."""
    seconds = voiced_s(samples, sample_rate)
    return words / seconds * 60 if seconds > 0 else 0.0

"""Evening out the voice: every spoken clip at the same loudness, its peaks held under a ceiling.

Done once per clip, offline, before mixing: the mixer then adds already-safe voice to a quiet bed,
and the whole session's loudness can be set with one gain.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from voiceguide.sound.loudness import LoudnessMeter

Samples = npt.NDArray[np.float32]

CLIP_LOUDNESS_LUFS = -20.0  # every voice clip is brought to this (mono, gated like BS.1770)
PEAK_TO_LOUDNESS_DB = 12.0  # true peaks at most this far above the clip loudness
LEVEL_PASSES = 2
LIMITER_HOLD_S = 0.004
LIMITER_SMOOTH_S = 0.004
OVERSAMPLE_CHUNK = (
    1 << 20
)  # samples oversampled at once when limiting (a long clip: bounded memory)


def clip_loudness_lufs(samples: np.ndarray, sample_rate: int) -> float:
    meter = LoudnessMeter(sample_rate)
    # clips shorter than one gating block are padded with themselves (loudness of the sound, not its length)
    block = max(len(samples), round(0.4 * sample_rate))
    looped = np.resize(samples, block) if 0 < len(samples) < block else samples  # (no copy)
    meter.add(looped[:, None])
    return meter.integrated_lufs()


def level_clip(samples: Samples, sample_rate: int) -> Samples:
    """Scale to :data:`CLIP_LOUDNESS_LUFS` and limit true peaks to :data:`PEAK_TO_LOUDNESS_DB` above it."""
    leveled = samples
    for _ in range(LEVEL_PASSES):  # limiting lowers loudness a little: level and limit again
        loudness = clip_loudness_lufs(leveled, sample_rate)
        if not math.isfinite(loudness):
            return samples
        leveled = leveled * np.float32(10 ** ((CLIP_LOUDNESS_LUFS - loudness) / 20))
        leveled = limit_true_peak(leveled, sample_rate, CLIP_LOUDNESS_LUFS + PEAK_TO_LOUDNESS_DB)
    return leveled


def limit_true_peak(samples: Samples, sample_rate: int, ceiling_db: float) -> Samples:
    """Turn down only the moments whose 4x-oversampled peak passes ``ceiling_db``, smoothly.

    The needed gain is held for a few milliseconds around each peak (a running minimum) and then
    smoothed (a triangle no wider than the hold), so the smoothed gain is still low enough at the
    peak itself while rising and falling over milliseconds instead of jumping.
    """
    ceiling = 10 ** (ceiling_db / 20)
    per_sample = peak_per_sample(samples, sample_rate)
    if not len(per_sample) or float(per_sample.max()) <= ceiling:
        return samples
    needed = np.minimum(1.0, ceiling / np.maximum(per_sample, 1e-12)) * 0.97  # 0.26 dB margin
    del per_sample  # (each array let go when done: a long clip's arrays are large)
    hold = 2 * round(LIMITER_HOLD_S * sample_rate) + 1
    held = running_min(needed, hold)
    del needed
    # two moving averages of half the hold make a triangular smoothing no wider than the hold
    half = 2 * round(LIMITER_SMOOTH_S * sample_rate / 4) + 1
    smoothed = moving_average(held, half)
    del held
    gain = moving_average(smoothed, half)
    del smoothed
    limited: Samples = (samples * gain).astype(np.float32)
    return limited


def peak_per_sample(samples: Samples, sample_rate: int) -> npt.NDArray[np.float32]:
    """The loudest of the four points of true_peak's 4x oversampling (sound.loudness) around each sample
    (zero past the oversampled end), oversampled a piece at a time (libsoxr's stream gives the
    same points as one call): a long clip's oversampled copy, four times its size, never exists."""
    import soxr

    mono = np.asarray(samples, dtype=np.float32).reshape(-1)
    per_sample = np.zeros(len(mono), dtype=np.float32)
    stream = soxr.ResampleStream(sample_rate, 4 * sample_rate, 1, dtype="float32", quality="HQ")
    carry = np.zeros(0, dtype=np.float32)
    filled = 0
    for start in range(0, len(mono), OVERSAMPLE_CHUNK):
        last = start + OVERSAMPLE_CHUNK >= len(mono)
        points = stream.resample_chunk(mono[start : start + OVERSAMPLE_CHUNK], last=last)
        level = np.abs(np.concatenate([carry, np.ravel(points)]))
        whole = min(len(level) // 4, len(mono) - filled)
        per_sample[filled : filled + whole] = level[: 4 * whole].reshape(-1, 4).max(axis=1)
        filled += whole
        carry = level[4 * whole :]
    if filled < len(mono) and len(carry):
        per_sample[filled] = carry.max()
    return per_sample


def moving_average(values: np.ndarray, width: int) -> np.ndarray:
    """Mean over a centred window of odd ``width`` (edges padded with the edge value), in O(n)."""
    half = width // 2
    padded = np.concatenate([np.full(half + 1, values[0]), values, np.full(half, values[-1])])
    sums = np.cumsum(padded)
    del padded
    averaged: np.ndarray = sums[width:] - sums[:-width]
    averaged /= width  # (in place: a long clip's arrays are large)
    return averaged


def running_min(values: np.ndarray, width: int) -> np.ndarray:
    """Minimum over a centred window of odd ``width``, in O(n) (van Herk / Gil-Werman)."""
    half = width // 2
    count = len(values)
    padded_length = count + 2 * half
    padded_length += -padded_length % width
    # in the values' own type (a minimum is one of them, exactly), returned as float64
    padded = np.full(padded_length, np.inf, dtype=np.result_type(values.dtype, np.float32))
    padded[half : half + count] = values
    blocks = padded.reshape(-1, width)
    prefix = np.minimum.accumulate(blocks, axis=1).reshape(-1)
    suffix = np.minimum.accumulate(blocks[:, ::-1], axis=1)[:, ::-1].reshape(-1)
    del padded, blocks
    minimum: np.ndarray = np.minimum(suffix[:count], prefix[width - 1 : width - 1 + count])
    return minimum.astype(np.float64, copy=False)

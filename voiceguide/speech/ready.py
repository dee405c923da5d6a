"""Engine clips made ready to place: DC removed, edge silence trimmed, resampled, edges faded."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import soxr

from voiceguide.speech.base import Clip, Samples

TRIM_THRESHOLD_DB = -40.0  # relative to the clip's peak
PAD_BEFORE_S = 0.015  # keep soft onsets
PAD_AFTER_S = 0.030  # and breathy tails
EDGE_FADE_S = 0.010  # raised-cosine fade on both edges: no clicks where a clip starts or stops


def ready_clip(
    clip: Clip, *, sample_rate: int, shape: Callable[[np.ndarray, int], np.ndarray] | None = None
) -> Samples:
    """Return mono float32 samples at ``sample_rate`` with no leading/trailing silence and faded edges.

    ``shape(samples, rate)``, if given, works on the trimmed clip at the engine's own rate before it
    is resampled (the leveler: half the samples of a 44.1 kHz clip for a 22.05 kHz engine).
    """
    if shape is not None:
        return finish_clip(shape_clip(clip, shape), sample_rate)
    return _finish(_trimmed(clip), clip.sample_rate, sample_rate)


def shape_clip(clip: Clip, shape: Callable[[np.ndarray, int], np.ndarray]) -> Clip:
    """The first half of :func:`ready_clip`: DC removed, trimmed and shaped, at the engine's
    rate, in float32 (what the cache keeps: any session rate is made from it)."""
    samples = _trimmed(clip).astype(np.float32)  # (the float64 copy let go before shaping)
    if samples.size:
        samples = shape(samples, clip.sample_rate)
    return Clip(np.asarray(samples, dtype=np.float32), clip.sample_rate)


def shape_input(samples: Samples, sample_rate: int) -> Samples:
    """What :func:`shape_clip` hands its ``shape``: a shaped clip is predicted from it when the
    cache stores the clip beside its 16-bit source."""
    trimmed: Samples = _trimmed(Clip(samples, sample_rate)).astype(np.float32)
    return trimmed


def finish_clip(shaped: Clip, sample_rate: int) -> Samples:
    """The second half: resampled to ``sample_rate``, edges faded."""
    return _finish(shaped.samples.astype(np.float64), shaped.sample_rate, sample_rate)


def _trimmed(clip: Clip) -> np.ndarray:
    samples = clip.samples.astype(np.float64)
    if samples.size:
        samples -= samples.mean()
    return _trim(samples, clip.sample_rate)


def _finish(samples: np.ndarray, rate: int, sample_rate: int) -> Samples:
    """``samples``: a float64 array of the caller's own, faded in place when not resampled."""
    if rate != sample_rate and samples.size:
        # libsoxr's very-high-quality filter: images and aliases far below audibility (-170 dB here)
        samples = soxr.resample(samples, rate, sample_rate, quality="VHQ")
    return _fade_edges(samples, sample_rate).astype(np.float32)


def _trim(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    level = np.abs(samples)
    peak = float(level.max()) if level.size else 0.0
    if peak <= 0.0:
        return samples[:0]
    loud = level >= peak * 10 ** (TRIM_THRESHOLD_DB / 20)
    first, last = int(np.argmax(loud)), len(loud) - 1 - int(np.argmax(loud[::-1]))
    start = max(0, first - round(PAD_BEFORE_S * sample_rate))
    stop = min(len(samples), last + 1 + round(PAD_AFTER_S * sample_rate))
    return samples[start:stop]


def _fade_edges(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    length = min(round(EDGE_FADE_S * sample_rate), len(samples) // 2)
    if length == 0:
        return samples
    ramp = 0.5 - 0.5 * np.cos(np.pi * (np.arange(length) + 0.5) / length)
    faded = samples  # (in place: every caller hands over an array of its own)
    faded[:length] *= ramp
    faded[-length:] *= ramp[::-1]
    return faded

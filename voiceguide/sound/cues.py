"""Soft synthesized cues: breath tones that follow the breath, and chimes between steps.

Every cue starts and ends at zero (no clicks) and is rendered once per (kind, duration) at the
session rate; the mixer places the arrays like voice clips. Levels here are relative to a voice
clip's loudness (-20 LUFS): cues sit well under the voice.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt

Samples = npt.NDArray[np.float32]

BREATH_LOW_HZ = 196.0  # G3
BREATH_HIGH_HZ = 293.66  # D4: a fifth above, a gentle rise
BREATH_PEAK = 0.06  # about -24 dBFS: heard under a quiet room, never over the voice
HOLD_LEVEL = 0.2  # the hold's faint sustain, relative to BREATH_PEAK
CHIMES = ("bell", "bowl")
CHIME_PEAK = 0.1  # about -20 dBFS peak, below a voice clip's peaks (-8 dBTP)

BreathKind = str  # "inhale" | "hold" | "exhale"
CHIME_LENGTH_S = {"bell": 4.0, "bowl": 6.0}


def breath_cue_frames(duration_s: float, sample_rate: int) -> int:
    """How long :func:`breath_cue` is, in frames, without making it."""
    return max(1, round(duration_s * sample_rate))


def chime_frames(name: str, sample_rate: int) -> int:
    """How long :func:`chime` is, in frames, without making it."""
    if name not in CHIME_LENGTH_S:
        raise ValueError(f"unknown chime {name!r}")
    return round(CHIME_LENGTH_S[name] * sample_rate)


def _swell(frames: int, sample_rate: int, attack_s: float, release_s: float) -> np.ndarray:
    """Raised-cosine rise, sustain, raised-cosine fall; starts and ends at exactly zero."""
    envelope = np.ones(frames)
    attack = min(frames // 2, round(attack_s * sample_rate))
    release = min(frames - attack, round(release_s * sample_rate))
    if attack:
        envelope[:attack] = 0.5 - 0.5 * np.cos(np.pi * np.arange(attack) / attack)
    if release:
        envelope[frames - release :] = 0.5 + 0.5 * np.cos(
            np.pi * (np.arange(release) + 1) / release
        )
    return envelope


def _glide(frames: int, sample_rate: int, start_hz: float, end_hz: float) -> np.ndarray:
    """A tone gliding smoothly (in pitch, an S-curve) from ``start_hz`` to ``end_hz``, with a soft octave."""
    progress = np.arange(frames) / max(frames - 1, 1)
    curve = 0.5 - 0.5 * np.cos(np.pi * progress)
    freq_hz = start_hz * (end_hz / start_hz) ** curve
    phase = 2 * np.pi * np.cumsum(freq_hz) / sample_rate
    tone: np.ndarray = np.sin(phase) + 0.25 * np.sin(2 * phase) + 0.08 * np.sin(3 * phase)
    return tone / 1.33


@lru_cache(maxsize=64)
def breath_cue(kind: BreathKind, duration_s: float, sample_rate: int) -> Samples:
    """The sound of one breath phase: rising for ``inhale``, falling for ``exhale``, a faint
    sustain for ``hold``. It starts with the phase and swells, so the onset is on time."""
    frames = breath_cue_frames(duration_s, sample_rate)
    if kind == "inhale":
        tone = _glide(frames, sample_rate, BREATH_LOW_HZ, BREATH_HIGH_HZ)
        envelope = _swell(frames, sample_rate, 0.04, duration_s * 0.45) * _bloom(frames, 0.35)
        level = BREATH_PEAK
    elif kind == "exhale":
        tone = _glide(frames, sample_rate, BREATH_HIGH_HZ, BREATH_LOW_HZ)
        envelope = _swell(frames, sample_rate, 0.04, duration_s * 0.6) * _bloom(frames, 0.2)
        level = BREATH_PEAK
    elif kind == "hold":
        tone = _glide(frames, sample_rate, BREATH_HIGH_HZ, BREATH_HIGH_HZ)
        envelope = _swell(frames, sample_rate, 0.3, 0.5)
        level = BREATH_PEAK * HOLD_LEVEL
    else:
        raise ValueError(f"unknown breath cue {kind!r}")
    cue: Samples = (tone * envelope * level).astype(np.float32)
    return cue


def _bloom(frames: int, peak_at: float) -> np.ndarray:
    """A gentle swell in level that peaks at ``peak_at`` of the phase (0.6 at the start, 1 at the peak)."""
    position = np.arange(frames) / max(frames - 1, 1)
    shape = np.where(
        position < peak_at, position / peak_at, 1 - (position - peak_at) / (1 - peak_at)
    )
    return 0.6 + 0.4 * np.clip(shape, 0.0, 1.0)


@lru_cache(maxsize=8)
def chime(name: str, sample_rate: int) -> Samples:
    """A soft struck sound: ``bell`` (bright, 4 s) or ``bowl`` (low singing bowl, 6 s)."""
    frames = chime_frames(name, sample_rate)
    if name == "bell":
        fundamental_hz, partials = 880.0, ((1.0, 1.0, 3.0), (2.76, 0.35, 1.6), (5.40, 0.12, 0.8))
    else:
        fundamental_hz, partials = 220.0, ((1.0, 1.0, 5.5), (2.71, 0.5, 3.5), (5.15, 0.2, 2.0))
    t = np.arange(frames) / sample_rate
    sound = np.zeros(frames)
    for ratio, amplitude, decay_s in partials:
        # a slight beating between two close partials makes it shimmer like a real bell
        decay = np.exp(-t / (decay_s / 3))
        sound += amplitude * decay * np.sin(2 * np.pi * fundamental_hz * ratio * t)
        sound += 0.3 * amplitude * decay * np.sin(2 * np.pi * fundamental_hz * ratio * 1.002 * t)
    sound *= _swell(frames, sample_rate, 0.006, 0.5)  # soft strike (no click), silent end
    result: Samples = (sound / np.max(np.abs(sound)) * CHIME_PEAK).astype(np.float32)
    return result

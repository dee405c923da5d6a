"""The BS.1770 meter against pyloudnorm (an independent implementation), and the clip leveler."""

from __future__ import annotations

import math

import numpy as np
import pyloudnorm
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voiceguide.sound.level import (
    CLIP_LOUDNESS_LUFS,
    OVERSAMPLE_CHUNK,
    PEAK_TO_LOUDNESS_DB,
    clip_loudness_lufs,
    level_clip,
    peak_per_sample,
    running_min,
)
from voiceguide.sound.loudness import LoudnessMeter, integrated_lufs, true_peak, true_peak_db

RATE = 44100


def _pink(seconds: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    spectrum = np.fft.rfft(rng.standard_normal((round(seconds * RATE), 2)), axis=0)
    freqs = np.fft.rfftfreq(round(seconds * RATE), 1 / RATE)
    spectrum[1:] /= np.sqrt(freqs[1:, None])
    spectrum[0] = 0
    signal = np.fft.irfft(spectrum, axis=0, n=round(seconds * RATE))
    pink: np.ndarray = signal / np.max(np.abs(signal)) * 0.5
    return pink


@pytest.mark.parametrize("seed", [1, 2])
def test_matches_pyloudnorm_on_noise_with_pauses(seed: int) -> None:
    noise = _pink(20, seed)
    noise[round(5 * RATE) : round(9 * RATE)] *= 0.01  # a quiet stretch the gates must drop
    ours = integrated_lufs(noise, RATE)
    theirs = pyloudnorm.Meter(RATE).integrated_loudness(noise)
    assert ours == pytest.approx(theirs, abs=0.2)


def test_sine_reference() -> None:
    """BS.1770: a 997 Hz sine at -20 dBFS in both channels reads about -20 + 3 - 0.691 + K-weighting."""
    t = np.arange(10 * 48000) / 48000
    sine = np.sin(2 * np.pi * 997 * t) * 10 ** (-20 / 20)
    stereo = np.stack([sine, sine], axis=1)
    assert integrated_lufs(stereo, 48000) == pytest.approx(
        pyloudnorm.Meter(48000).integrated_loudness(stereo), abs=0.1
    )


def test_block_size_does_not_matter() -> None:
    noise = _pink(12, 3)
    whole = integrated_lufs(noise, RATE)
    meter = LoudnessMeter(RATE)
    for start in range(0, len(noise), 12345):
        meter.add(noise[start : start + 12345])
    assert meter.integrated_lufs() == pytest.approx(whole, abs=1e-9)


def test_silence_and_short_input() -> None:
    assert integrated_lufs(np.zeros((RATE * 2, 2)), RATE) == -math.inf
    assert integrated_lufs(np.ones((100, 2)) * 0.1, RATE) == -math.inf


def test_true_peak_sees_between_samples() -> None:
    """A sine at a quarter of the rate, sampled 45° off its crests: samples reach 0.707, the wave 1.0."""
    n = np.arange(4410)
    samples = np.sin(2 * np.pi * n / 4 + np.pi / 4).astype(np.float32)
    assert float(np.max(np.abs(samples))) == pytest.approx(0.7071, abs=1e-3)
    assert true_peak_db(samples, RATE) == pytest.approx(0.0, abs=0.3)


def test_leveling_evens_out_clips_and_caps_their_peaks() -> None:
    rng = np.random.default_rng(5)
    t = np.arange(RATE * 2) / RATE
    for level in (0.02, 0.3, 0.9):
        clip = (
            np.sin(2 * np.pi * 180 * t) * level * (1 + rng.random(len(t)) * (t > 1.0) * 3)
        ).astype(np.float32)
        clip = np.clip(clip, -1, 1)
        leveled = level_clip(clip, RATE)
        assert clip_loudness_lufs(leveled, RATE) == pytest.approx(CLIP_LOUDNESS_LUFS, abs=1.0)
        assert true_peak_db(leveled, RATE) <= CLIP_LOUDNESS_LUFS + PEAK_TO_LOUDNESS_DB + 0.1


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=200), st.integers(0, 10))
def test_running_min_is_a_windowed_minimum(values: list[float], half: int) -> None:
    array = np.array(values)
    width = 2 * half + 1
    expected = [min(values[max(0, i - half) : i + half + 1]) for i in range(len(values))]
    assert np.array_equal(running_min(array, width), np.array(expected))


def test_a_long_clip_is_limited_in_pieces_exactly_as_in_one() -> None:
    """Past one oversampling piece (a clip over 43 s at 24 kHz), the per-sample true peaks taken a
    piece at a time through libsoxr's stream are the points of one 4x oversampling; and the
    loudness measured 30 s at a time is the whole clip's (a long line's memory stays bounded)."""
    rate = 24000
    rng = np.random.default_rng(5)
    frames = OVERSAMPLE_CHUNK + 3 * rate + 7
    samples = (rng.standard_normal(frames) * 0.2).astype(np.float32)
    level = np.abs(true_peak(samples, rate)).reshape(-1)
    level = np.pad(level, (0, max(0, 4 * frames - len(level))))[: 4 * frames]
    assert np.array_equal(peak_per_sample(samples, rate), level.reshape(-1, 4).max(axis=1))
    whole = LoudnessMeter(rate)
    by_pieces = LoudnessMeter(rate)
    for start in range(0, frames, 7 * rate + 11):  # fed in uneven blocks as well
        by_pieces.add(samples[start : start + 7 * rate + 11, None])
    whole.add(samples[:, None])
    assert whole.integrated_lufs() == by_pieces.integrated_lufs()

"""What real speech looks like, for tests of real engines: the right length, voiced, and syllabic."""

from __future__ import annotations

import numpy as np

from voiceguide.speech.base import Clip


def assert_speech(clip: Clip, text: str, rate_wpm: int) -> None:
    samples = clip.samples.astype(np.float64)
    words = len(text.split())
    expected_s = words / (rate_wpm / 60)
    assert 0.5 * expected_s <= clip.duration_s <= 2.5 * expected_s + 0.5, (
        clip.duration_s,
        expected_s,
    )
    rms_db = 20 * np.log10(np.sqrt(np.mean(samples**2)) + 1e-12)
    assert rms_db > -35, rms_db  # not silence
    spectrum = np.abs(np.fft.rfft(samples)) ** 2
    freqs = np.fft.rfftfreq(len(samples), 1 / clip.sample_rate)
    voice_band = spectrum[(freqs >= 80) & (freqs <= 4000)].sum() / spectrum.sum()
    assert voice_band > 0.6, voice_band  # energy where voices have it, not white noise
    frame = clip.sample_rate // 50  # 20 ms frames: syllables rise and fall
    usable = len(samples) // frame * frame
    energy = np.sqrt(np.mean(samples[:usable].reshape(-1, frame) ** 2, axis=1))
    loud = energy > energy.max() * 0.3
    assert 0.2 < loud.mean() < 0.98, loud.mean()
    onsets = np.count_nonzero(loud[1:] & ~loud[:-1])
    assert onsets >= max(1, words // 3), (onsets, words)


def best_match(haystack: np.ndarray, needle: np.ndarray) -> float:
    """The highest normalized correlation of ``needle`` anywhere in ``haystack``."""
    size = 1 << int(np.ceil(np.log2(len(haystack) + len(needle))))
    product = np.fft.rfft(haystack, size) * np.conj(np.fft.rfft(needle, size))
    scores = np.fft.irfft(product, size)[: len(haystack) - len(needle)]
    running = np.concatenate([[0.0], np.cumsum(haystack**2)])
    energy = (running[len(needle) :] - running[: -len(needle)])[: len(scores)]
    normalized = scores / np.sqrt(np.maximum(energy, 1e-12) * np.sum(needle**2))
    return float(normalized.max())

"""Rooms a take is recorded in, made here with known levels: white, pink and brown noise, a fan
(mains hum at 50 Hz and its harmonics over a slowly swaying broadband rush), and a little reverb.
Used by the recorder's tests and by ``scripts/measure_vad.py``."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

Signal = npt.NDArray[np.float64]
RATE = 48000
ROOMS = ("white", "pink", "brown", "fan", "reverb")  # reverb: pink noise, the speech reverberated


def _shaped(rng: np.random.Generator, frames: int, power_exponent: float) -> Signal:
    """Noise whose power goes as f^-exponent above 20 Hz (nothing below), unit RMS."""
    size = 1 << int(np.ceil(np.log2(max(frames, 2))))  # a fast transform, cut to length
    freqs_hz = np.fft.rfftfreq(size, 1 / RATE)
    amplitude = np.where(freqs_hz >= 20.0, np.maximum(freqs_hz, 1.0) ** (-power_exponent / 2), 0.0)
    spectrum = (
        rng.standard_normal(len(freqs_hz)) + 1j * rng.standard_normal(len(freqs_hz))
    ) * amplitude
    noise: Signal = np.fft.irfft(spectrum, n=size)[:frames]
    noise /= np.sqrt(np.mean(noise**2))
    return noise


def _fan(rng: np.random.Generator, frames: int) -> Signal:
    """Hum (50 Hz and harmonics to 400 Hz, falling) at -6 dB under a pink rush that sways 10 %
    at the blades' 7 Hz."""
    t = np.arange(frames) / RATE
    hum = sum(np.sin(2 * np.pi * 50 * k * t + k) / k for k in range(1, 9))
    hum = hum / np.sqrt(np.mean(hum**2)) * 0.5
    rush = _shaped(rng, frames, 1.0) * (1 + 0.1 * np.sin(2 * np.pi * 7 * t))
    fan: Signal = hum + rush
    fan /= np.sqrt(np.mean(fan**2))
    return fan


NOISES: dict[str, Callable[[np.random.Generator, int], Signal]] = {
    "white": lambda rng, frames: rng.standard_normal(frames),
    "pink": lambda rng, frames: _shaped(rng, frames, 1.0),
    "brown": lambda rng, frames: _shaped(rng, frames, 2.0),
    "fan": _fan,
    "reverb": lambda rng, frames: _shaped(rng, frames, 1.0),
}


def noise(room: str, frames: int, level_dbfs: float, seed: int = 0) -> Signal:
    """``frames`` of the room's noise at an RMS of ``level_dbfs``."""
    return NOISES[room](np.random.default_rng(seed), frames) * 10 ** (level_dbfs / 20)


def reverberated(speech: Signal, rt60_s: float = 0.3, seed: int = 5) -> Signal:
    """``speech`` in a small room: the direct sound and a decaying diffuse tail 6 dB under it
    (RT60 ``rt60_s``), as long as the speech plus the tail."""
    rng = np.random.default_rng(seed)
    length = round(rt60_s * RATE)
    tail = rng.standard_normal(length) * 10 ** (-3 * np.arange(length) / length)  # -60 dB at rt60
    tail *= 0.5 / np.sqrt(np.sum(tail**2))
    # the direct sound, then the tail from 3 ms on
    response = np.concatenate([[1.0], np.zeros(round(0.003 * RATE)), tail])
    size = 1 << int(np.ceil(np.log2(len(speech) + len(response))))
    out = np.fft.irfft(np.fft.rfft(speech, size) * np.fft.rfft(response, size), size)
    result: Signal = out[: len(speech) + len(response) - 1]
    return result


def active_level_dbfs(speech: Signal) -> float:
    """The speech's level while it speaks: the RMS of its 10 ms blocks within 40 dB of its
    loudest block."""
    block = RATE // 100
    blocks = speech[: len(speech) // block * block].reshape(-1, block)
    power = np.mean(blocks**2, axis=1)
    active = power[power > power.max() * 1e-4]
    return float(10 * np.log10(np.mean(active)))


def edges(speech: Signal) -> tuple[int, int]:
    """The speech's first and last sample above 1 % of its peak."""
    loud = np.flatnonzero(np.abs(speech) > 0.01 * np.max(np.abs(speech)))
    return int(loud[0]), int(loud[-1])


def in_room(
    speech: Signal, room: str, level_dbfs: float, before_s: float, after_s: float, seed: int = 0
) -> tuple[Signal, int, int]:
    """``speech`` said in ``room`` with ``before_s`` and ``after_s`` of the room around it: what a
    microphone hears, and where the speech's own edges are in it (the dry speech's, for reverb)."""
    start, end = edges(speech)
    said = reverberated(speech) if room == "reverb" else speech
    before, after = round(before_s * RATE), round(after_s * RATE)
    heard = np.zeros(before + len(speech) + after)
    heard[before : before + min(len(said), len(speech) + after)] += said[: len(speech) + after]
    heard += noise(room, len(heard), level_dbfs, seed)
    return heard, before + start, before + end

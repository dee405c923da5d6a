"""Loudness (ITU-R BS.1770-4 integrated, LUFS) measured block by block, and true peak.

The K-weighting filter (a high shelf and a high-pass, designed for any sample rate as libebur128
does) is applied in the frequency domain to each 100 ms sub-block: by Parseval's theorem the
filtered block's mean square is the sum of its periodogram weighted by the filter's power response.
Sub-block powers are all that gating needs, so a 6-hour session costs a few kilobytes to measure.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import soxr

SUB_BLOCK_S = 0.1  # gating blocks are 400 ms with 75 % overlap: four 100 ms sub-blocks
CHUNK_SUB_BLOCKS = 300  # sub-blocks transformed at once (30 s): each is measured on its own
ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0


def _biquad_power(
    b: tuple[float, float, float], a: tuple[float, float, float], w: np.ndarray
) -> np.ndarray:
    z = np.exp(-1j * w)
    numerator = b[0] + b[1] * z + b[2] * z * z
    denominator = a[0] + a[1] * z + a[2] * z * z
    power: np.ndarray = np.abs(numerator / denominator) ** 2
    return power


@lru_cache(maxsize=8)
def k_weighting_power(frames: int, sample_rate: int) -> npt.NDArray[np.float64]:
    """|H(f)|² of the K-weighting filter at the rFFT bins of a ``frames``-long block."""
    w = 2 * np.pi * np.fft.rfftfreq(frames, 1 / sample_rate) / sample_rate
    # stage 1: high shelf, +4 dB above ~1.7 kHz (the head's acoustic effect)
    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / sample_rate)
    vh = 10 ** (gain_db / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf = _biquad_power(
        ((vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0),
        (1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0),
        w,
    )
    # stage 2: the RLB high-pass at ~38 Hz
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / sample_rate)
    a0 = 1 + k / q + k * k
    highpass = _biquad_power(
        (1.0, -2.0, 1.0), (1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0), w
    )
    weights: npt.NDArray[np.float64] = shelf * highpass
    return weights


class LoudnessMeter:
    """Feed ``(frames, channels)`` blocks of any size; read :meth:`integrated_lufs` at the end."""

    def __init__(self, sample_rate: int) -> None:
        self.sample_rate = sample_rate
        self.sub_frames = round(SUB_BLOCK_S * sample_rate)
        self._pending: np.ndarray | None = None
        self._powers: list[
            np.ndarray
        ] = []  # per sub-block: sum over channels of K-weighted mean square

    def add(self, block: np.ndarray) -> None:
        data = block if self._pending is None else np.concatenate([self._pending, block])
        whole = len(data) // self.sub_frames * self.sub_frames
        if whole:
            weights = k_weighting_power(self.sub_frames, self.sample_rate)
            # Parseval for a real signal's rFFT: count the inner bins twice
            scale = np.full(len(weights), 2.0)
            scale[0] = 1.0
            if self.sub_frames % 2 == 0:
                scale[-1] = 1.0
            blocks = data[:whole].reshape(-1, self.sub_frames, data.shape[1])
            for first in range(0, len(blocks), CHUNK_SUB_BLOCKS):  # (a long clip: bounded memory)
                subs = blocks[first : first + CHUNK_SUB_BLOCKS].astype(np.float64)
                spectrum = np.abs(np.fft.rfft(subs, axis=1)) ** 2
                mean_square = np.einsum("bfc,f->bc", spectrum, weights * scale) / self.sub_frames**2
                self._powers.append(mean_square.sum(axis=1))
        self._pending = data[whole:]

    def integrated_lufs(self) -> float:
        """Gated integrated loudness; ``-inf`` for silence or less than 400 ms of audio."""
        powers = np.concatenate(self._powers) if self._powers else np.zeros(0)
        if len(powers) < 4:
            return -math.inf
        blocks = np.lib.stride_tricks.sliding_window_view(powers, 4).mean(axis=1)
        with np.errstate(divide="ignore"):
            loudness = -0.691 + 10 * np.log10(blocks)
        above = blocks[loudness > ABSOLUTE_GATE_LUFS]
        if not len(above):
            return -math.inf
        relative_gate = -0.691 + 10 * math.log10(float(above.mean())) + RELATIVE_GATE_LU
        gated = blocks[(loudness > ABSOLUTE_GATE_LUFS) & (loudness > relative_gate)]
        return -0.691 + 10 * math.log10(float(gated.mean()))


def integrated_lufs(samples: np.ndarray, sample_rate: int) -> float:
    """Integrated loudness of a whole ``(frames, channels)`` or mono array."""
    meter = LoudnessMeter(sample_rate)
    meter.add(samples if samples.ndim == 2 else samples[:, None])
    return meter.integrated_lufs()


def true_peak(samples: np.ndarray, sample_rate: int) -> npt.NDArray[np.float32]:
    """The signal 4x oversampled (BS.1770 Annex 2), whose absolute maximum is the true peak."""
    oversampled: npt.NDArray[np.float32] = soxr.resample(
        np.asarray(samples, dtype=np.float32), sample_rate, 4 * sample_rate, quality="HQ"
    )
    return oversampled


def true_peak_db(samples: np.ndarray, sample_rate: int) -> float:
    peak = float(np.max(np.abs(true_peak(samples, sample_rate)), initial=0.0))
    return 20 * math.log10(peak) if peak > 0 else -math.inf

"""What Whisper reads: the log-mel spectrogram of 16 kHz samples and the model's byte-level BPE
tokens of a text, in numpy and plain Python (the same as OpenAI's reference code computes, without
its torch or the ``tokenizers`` library).

Input: float samples in -1..1 at 16 kHz; a text. Output: an ``(80, frames)`` float32 array; token ids.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from functools import cache
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16000
FFT_FRAMES = 400  # 25 ms windows,
HOP_FRAMES = 160  # every 10 ms
MELS = 80
PIECES = re.compile(r"'s|'t|'re|'ve|'m|'ll|'d| ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+")


@cache
def mel_filters() -> np.ndarray:
    """The 80 triangular filters (Slaney's mel scale and area norm, as librosa's default)."""
    linear_hz_per_mel = 200.0 / 3
    log_step = math.log(6.4) / 27.0

    def to_mel(hz: np.ndarray) -> np.ndarray:
        high = 15 + np.log(np.maximum(hz, 1e-10) / 1000) / log_step
        return np.where(hz >= 1000, high, hz / linear_hz_per_mel)

    def to_hz(mel: np.ndarray) -> np.ndarray:
        return np.where(mel >= 15, 1000 * np.exp(log_step * (mel - 15)), linear_hz_per_mel * mel)

    edges_mel = np.linspace(0.0, float(to_mel(np.array(SAMPLE_RATE / 2))), MELS + 2)
    edges_hz = to_hz(edges_mel)
    bins_hz = np.linspace(0, SAMPLE_RATE / 2, 1 + FFT_FRAMES // 2)
    widths_hz = np.diff(edges_hz)
    ramps = edges_hz[:, None] - bins_hz[None, :]
    rising = -ramps[:-2] / widths_hz[:-1, None]
    falling = ramps[2:] / widths_hz[1:, None]
    weights = np.maximum(0, np.minimum(rising, falling))
    weights *= (2.0 / (edges_hz[2:] - edges_hz[:-2]))[:, None]
    return weights.astype(np.float32)


def log_mel(samples: np.ndarray, frames: int) -> np.ndarray:
    """``samples`` (cut or padded with silence to ``frames`` 10 ms frames) as Whisper's input."""
    audio = np.zeros(frames * HOP_FRAMES, np.float32)
    kept = samples[: len(audio)]
    audio[: len(kept)] = kept
    padded = np.pad(audio, FFT_FRAMES // 2, mode="reflect")
    windows = np.lib.stride_tricks.sliding_window_view(padded, FFT_FRAMES)[::HOP_FRAMES][:frames]
    hann = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(FFT_FRAMES) / FFT_FRAMES)
    power = np.abs(np.fft.rfft(windows * hann, axis=1)) ** 2
    log = np.log10(np.maximum(mel_filters() @ power.T, 1e-10))
    log = np.maximum(log, log.max() - 8.0)
    scaled: np.ndarray = ((log + 4.0) / 4.0).astype(np.float32)
    return scaled


def _byte_letters() -> dict[int, str]:
    """GPT-2's bytes-to-letters map: every byte a printable letter."""
    printable = [*range(ord("!"), ord("~") + 1), *range(0xA1, 0xAD), *range(0xAE, 0x100)]
    letters = dict(zip(printable, map(chr, printable), strict=True))
    extra = 0
    for byte in range(256):
        if byte not in letters:
            letters[byte] = chr(256 + extra)
            extra += 1
    return letters


class Tokens:
    """A Whisper model's tokenizer (its ``tokenizer.json``): texts to token ids."""

    def __init__(self, tokenizer_json: Path) -> None:
        spec = json.loads(tokenizer_json.read_text(encoding="utf-8"))
        self._vocabulary: dict[str, int] = spec["model"]["vocab"]
        merges = [
            tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in spec["model"]["merges"]
        ]
        self._ranks = {pair: rank for rank, pair in enumerate(merges)}
        self.special: dict[str, int] = {t["content"]: t["id"] for t in spec["added_tokens"]}
        self._letters = _byte_letters()

    def encode(self, text: str) -> list[int]:
        return [token for piece in PIECES.findall(text) for token in self._piece(piece)]

    def _piece(self, piece: str) -> list[int]:
        parts = [self._letters[byte] for byte in piece.encode()]
        while len(parts) > 1:
            rank, at = min(
                (self._ranks.get(pair, math.inf), i)
                for i, pair in enumerate(itertools.pairwise(parts))
            )
            if rank == math.inf:
                break
            parts[at : at + 2] = [parts[at] + parts[at + 1]]
        return [self._vocabulary[part] for part in parts]

"""Playing one short clip to its end (``voiceguide voices --sample``): no keys, no status line."""

from __future__ import annotations

import threading
import time

import numpy as np

from voiceguide.player.backends import open_backend
from voiceguide.speech import Samples

TAIL_S = 0.3  # silence after the clip, so the device's last buffer is heard before it closes


def play_clip(samples: Samples, sample_rate: int, backend: str | None = None) -> str:
    """Play mono ``samples`` on the backend called ``backend`` (default: the best available) and
    return when they have been heard; return the device played on."""
    device, _ = open_backend(backend)
    audio = np.concatenate([samples, np.zeros(round(TAIL_S * sample_rate), np.float32)])
    position = 0
    done = threading.Event()
    lock = threading.Lock()

    def pull(frames: int) -> np.ndarray:
        nonlocal position
        with lock:
            chunk = audio[position : position + frames]
            position += len(chunk)
        if len(chunk) < frames:
            done.set()
            chunk = np.concatenate([chunk, np.zeros(frames - len(chunk), np.float32)])
        return chunk.reshape(-1, 1)

    device.start(pull, sample_rate, 1)
    try:
        limit_s = len(audio) / sample_rate + 10.0  # a device that stops pulling cannot hang us
        started = time.monotonic()
        while not done.wait(0.05) and device.alive and time.monotonic() - started < limit_s:
            pass
    finally:
        device.stop()
    return device.device

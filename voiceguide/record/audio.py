"""The microphone and the loudspeaker, through miniaudio (ALSA, PulseAudio, CoreAudio, WASAPI).

The microphone is opened for each take and closed after it. Its samples travel from miniaudio's
thread through a bounded queue, so a device with no clock (ALSA's null device reading a file) is
held back to the pace the recorder reads at, and nothing is dropped.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Generator
from typing import Any

import numpy as np

from voiceguide.errors import VoiceguideError
from voiceguide.player.backends import quiet_stderr
from voiceguide.record.takes import Samples

SAMPLE_RATE = 48000  # what is asked of the microphone, and what the takes are written at
PERIOD_MS = 20
QUEUE_PERIODS = 100  # two seconds of sound waiting at most
STALL_S = 10.0  # a microphone that sends nothing this long has stopped working


class RecordError(VoiceguideError):
    """No microphone, or one that stopped: one line, exit code 1."""


class Microphone:
    """The default capture device, mono 16-bit at :data:`SAMPLE_RATE`, open until closed."""

    def __init__(self) -> None:
        import miniaudio

        self._queue: queue.Queue[bytes] = queue.Queue(QUEUE_PERIODS)
        self._closing = threading.Event()
        try:
            with quiet_stderr():
                self._device: Any = miniaudio.CaptureDevice(
                    input_format=miniaudio.SampleFormat.SIGNED16, nchannels=1,
                    sample_rate=SAMPLE_RATE, buffersize_msec=PERIOD_MS, app_name="voiceguide",
                )  # fmt: skip
        except miniaudio.MiniaudioError as error:
            raise RecordError(
                f"no microphone could be opened ({error.args[0]}): connect one and try again"
            ) from None
        self.name = f"{self._device.backend} default input"
        receiver = self._receive()
        next(receiver)
        self._device.start(receiver)
        self._last_s = time.monotonic()

    def _receive(self) -> Generator[None, bytes, None]:
        while True:
            data = yield
            while not self._closing.is_set():
                try:
                    self._queue.put(bytes(data), timeout=0.05)
                    break
                except queue.Full:
                    continue

    def read(self, timeout_s: float) -> Samples | None:
        """The next samples (float, -1..1), or None if none came within ``timeout_s``."""
        try:
            data = self._queue.get(timeout=timeout_s)
        except queue.Empty:
            if time.monotonic() - self._last_s > STALL_S:
                raise RecordError("the microphone stopped sending sound") from None
            return None
        self._last_s = time.monotonic()
        samples: Samples = np.frombuffer(data, dtype="<i2").astype(np.float32) / np.float32(32768)
        return samples

    def close(self) -> None:
        self._closing.set()
        self._device.close()


def check_microphone() -> str:
    """Open and close the microphone: its name, or :class:`RecordError` in one line."""
    microphone = Microphone()
    microphone.close()
    return microphone.name


def play(samples: Samples, stop: Callable[[], bool]) -> bool:
    """Play mono ``samples`` at :data:`SAMPLE_RATE` to the end, or until ``stop()`` is true
    (asked every 20 ms). False when there is no loudspeaker to play them on."""
    import miniaudio

    period = SAMPLE_RATE * PERIOD_MS // 1000
    padded = np.concatenate([samples, np.zeros(period * 5, dtype=np.float32)])  # the buffer's tail
    handed = threading.Event()

    def stream() -> Generator[bytes, int, None]:
        frames = yield b""
        position = 0
        while position < len(padded):
            chunk = padded[position : position + frames]
            position += len(chunk)
            frames = yield np.pad(chunk, (0, frames - len(chunk))).astype(np.float32).tobytes()
        handed.set()
        while True:
            frames = yield bytes(4 * frames)

    try:
        with quiet_stderr():
            device = miniaudio.PlaybackDevice(
                output_format=miniaudio.SampleFormat.FLOAT32, nchannels=1, sample_rate=SAMPLE_RATE,
                buffersize_msec=PERIOD_MS, app_name="voiceguide",
            )  # fmt: skip
    except miniaudio.MiniaudioError:
        return False
    try:
        generator = stream()
        next(generator)
        device.start(generator)
        while not handed.wait(PERIOD_MS / 1000):
            if stop():
                break
    finally:
        device.close()
    return True

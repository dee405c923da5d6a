"""Where the sound goes. Each backend pulls frames from a function in its own thread and says
which device it opened; :func:`open_backend` picks one and says why (for ``--verbose``).

- ``miniaudio`` (the default): wheels for Linux, macOS and Windows, streams from a callback, so
  playback starts at once and every control acts within one buffer (100 ms).
- ``simpleaudio`` (the design card's, an optional extra): plays whole buffers only, so this backend
  plays the session in one-second buffers, one after another; controls act within a second.
  It builds from source and crashes after playback on Python 3.12 and later.
- ``null``: no device; consumes frames (in real time with ``paced``) - for machines with no sound.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import numpy as np

from voiceguide.errors import VoiceguideError
from voiceguide.routine.vocabulary import BACKEND_NAMES

Pull = Callable[[int], np.ndarray]
BUFFER_MS = 100


class PlaybackError(VoiceguideError):
    """No sound device, or a backend that cannot start."""


class Backend(Protocol):
    name: str
    device: str

    def start(self, pull: Pull, sample_rate: int, channels: int) -> None: ...

    @property
    def alive(self) -> bool:
        """Still consuming audio (a backend whose thread died is not)."""
        ...

    def stop(self) -> None: ...


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """libasound prints its own errors on stderr while probing; keep them off the user's terminal."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    with open(os.devnull, "w") as null:  # noqa: PTH123
        os.dup2(null.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


class MiniaudioBackend:
    name = "miniaudio"

    def __init__(self) -> None:
        self.device = "?"
        self._device: Any = None

    def start(self, pull: Pull, sample_rate: int, channels: int) -> None:
        import miniaudio

        def stream() -> Any:
            frames = yield b""
            while True:
                frames = yield np.ascontiguousarray(pull(frames), dtype=np.float32).tobytes()

        try:
            with quiet_stderr():
                self._device = miniaudio.PlaybackDevice(
                    output_format=miniaudio.SampleFormat.FLOAT32, nchannels=channels, sample_rate=sample_rate,
                    buffersize_msec=BUFFER_MS, app_name="voiceguide",
                )  # fmt: skip
        except miniaudio.MiniaudioError as error:
            raise PlaybackError(f"no sound device could be opened ({error.args[0]})") from None
        self.device = f"{self._device.backend} default output"
        generator = stream()
        next(generator)
        self._device.start(generator)

    @property
    def alive(self) -> bool:
        return self._device is not None

    def stop(self) -> None:
        if self._device is not None:
            self._device.close()
            self._device = None


class _ThreadBackend:
    """A backend whose audio loop runs in its own thread until stopped."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _run(self, loop: Callable[[], None], name: str) -> None:
        self._thread = threading.Thread(target=loop, name=name, daemon=True)
        self._thread.start()

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)


class SimpleaudioBackend(_ThreadBackend):
    name = "simpleaudio"

    def __init__(self) -> None:
        super().__init__()
        self.device = "default output (simpleaudio)"

    def start(self, pull: Pull, sample_rate: int, channels: int) -> None:
        import simpleaudio

        def loop() -> None:
            while not self._stop.is_set():
                block = pull(sample_rate)  # one second
                pcm = np.rint(np.clip(block, -1, 32767 / 32768) * 32768).astype(np.int16)
                try:
                    playing = simpleaudio.play_buffer(pcm.tobytes(), channels, 2, sample_rate)
                except Exception as error:  # simpleaudio raises its own SimpleaudioError
                    self.device = f"failed: {error}"
                    return
                while playing.is_playing() and not self._stop.is_set():
                    time.sleep(0.01)
                playing.stop()

        self._run(loop, "voiceguide-simpleaudio")


class NullBackend(_ThreadBackend):
    """Pulls and drops frames: in real time when ``paced``, otherwise as fast as it can."""

    name = "null"

    def __init__(self, paced: bool = True) -> None:
        super().__init__()
        self.paced = paced
        self.device = "none (null backend)" + ("" if paced else ", unpaced")

    def start(self, pull: Pull, sample_rate: int, channels: int) -> None:
        frames = sample_rate * BUFFER_MS // 1000

        def loop() -> None:
            started = time.monotonic()
            played = 0
            while not self._stop.is_set():
                pull(frames)
                played += frames
                if self.paced:
                    time.sleep(max(0.0, started + played / sample_rate - time.monotonic()))

        self._run(loop, "voiceguide-null")


def open_backend(name: str | None) -> tuple[Backend, str]:
    """The backend called ``name``, or the best available one; and why it was chosen."""
    if name == "null":
        return NullBackend(), "asked for with --backend null"
    if name == "simpleaudio" or (name is None and _simpleaudio_is_safe() and not _has("miniaudio")):
        if not _has("simpleaudio"):
            raise PlaybackError(
                "the simpleaudio backend needs the simpleaudio package: pip install 'voiceguide[simpleaudio]' "
                "(it builds from source: a C compiler and libasound2-dev on Linux)"
            )
        return (
            SimpleaudioBackend(),
            "asked for with --backend simpleaudio" if name else "miniaudio is not installed",
        )
    if name not in (None, "miniaudio"):
        raise PlaybackError(f"expected a backend from {', '.join(BACKEND_NAMES)}, got '{name}'")
    if not _has("miniaudio"):
        raise PlaybackError("playback needs the miniaudio package: pip install miniaudio")
    reason = (
        "asked for with --backend miniaudio"
        if name
        else "the default: streams, and installs from wheels"
    )
    return MiniaudioBackend(), reason


def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _simpleaudio_is_safe() -> bool:
    return sys.version_info < (3, 12)  # simpleaudio 1.0.4 segfaults after playback on 3.12+

"""The microphone: 16 kHz mono 16-bit samples from the default capture device (miniaudio), handed
to a function on a reader thread. Nothing is written anywhere.

The device is opened and read in a small process of its own (this module run with ``-m``): a
capture read can block for good (a device that stalls, a FIFO that never delivers) or end and
then be asked again as fast as the loop turns (an empty capture file, a device gone mid-session),
and neither may hold up the player. A microphone that ends is a microphone that is gone: it is
said once, its process is stopped, and the session goes on without listening. Stopping is
killing the process, which always takes effect at once, whatever the device is doing.
"""

from __future__ import annotations

import contextlib
import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Generator
from pathlib import Path

from voiceguide.errors import VoiceguideError

BUFFER_MS = 100
OPEN_WAIT_S = 5.0  # the device opens (or fails to) within this, or it is not answering
AHEAD_LIMIT_S = 2.0  # more sound than time has passed: no microphone's clock (its input ended)
STOP_WAIT_S = 0.5  # how long stopping may wait for the reader thread
_READY, _FAILED = b"R", b"E"  # the capture process's first byte: opened, or why not
_ROOT = Path(__file__).resolve().parents[2]  # where the voiceguide package is found


class MicrophoneError(VoiceguideError):
    """No capture device could be opened."""


class Microphone:
    """Captures until :meth:`close`; ``take`` gets the samples (any size, whole samples),
    ``gone`` is told once, in a sentence, when the microphone stops delivering for good."""

    def __init__(
        self, take: Callable[[bytes], None], gone: Callable[[str], object] | None = None
    ) -> None:
        from voiceguide.listen.recognizer import SAMPLE_RATE

        self._take = take
        self._gone = gone
        self._closing = False
        self._rate = SAMPLE_RATE
        start = (
            f"import sys; sys.path.insert(0, {str(_ROOT)!r}); "
            "from voiceguide.listen.microphone import _capture; "
            f"_capture({SAMPLE_RATE}, {BUFFER_MS})"
        )
        self._process = subprocess.Popen(
            [sys.executable, "-c", start],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C is the player's to handle; it stops this process
        )  # fmt: skip
        assert self._process.stdout is not None
        self._out = self._process.stdout.fileno()
        first = self._first_byte()
        if first != _READY:
            reason = os.read(self._out, 500).decode(errors="replace").strip() if first else ""
            self._kill()
            detail = reason or "the capture device did not open within 5 s"
            raise MicrophoneError(f"no microphone could be opened ({detail})")
        self._thread = threading.Thread(
            target=self._read, name="voiceguide-microphone", daemon=True
        )
        self._thread.start()

    def _first_byte(self) -> bytes:
        ready, _, _ = select.select([self._out], [], [], OPEN_WAIT_S)
        return os.read(self._out, 1) if ready else b""

    def _read(self) -> None:
        started = time.monotonic()
        frames = 0
        odd = b""
        while True:
            try:
                chunk = os.read(self._out, self._rate * 2 * BUFFER_MS // 1000)
            except OSError:
                chunk = b""
            if not chunk:
                self._ended("the microphone went away")
                return
            chunk, odd = odd + chunk, b""
            if len(chunk) % 2:
                chunk, odd = chunk[:-1], chunk[-1:]
            frames += len(chunk) // 2
            ahead_s = frames / self._rate - (time.monotonic() - started)
            if ahead_s > AHEAD_LIMIT_S + BUFFER_MS / 1000:
                self._ended("the microphone's input ended")  # not paced by a clock any more
                return
            self._take(chunk)

    def _ended(self, why: str) -> None:
        self._kill()
        if not self._closing and self._gone is not None:
            self._gone(f"voice commands off: {why}; the session goes on")

    def _kill(self) -> None:
        with contextlib.suppress(OSError):
            self._process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._process.wait(timeout=STOP_WAIT_S)

    def close(self) -> None:
        """Stop capturing now, whatever the device is doing."""
        self._closing = True
        self._kill()
        self._thread.join(timeout=STOP_WAIT_S)
        for stream in (self._process.stdin, self._process.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()


def _capture(sample_rate: int, buffer_ms: int) -> None:
    """The capture process: the first byte says whether the device opened, then raw samples
    follow on stdout. It ends when its parent closes stdin (or goes away) without waiting for
    the device, which may be stuck in a read."""
    import miniaudio

    def receive() -> Generator[None, bytearray, None]:
        while True:
            data = yield
            try:
                os.write(1, data)
            except OSError:  # the parent is gone
                os._exit(0)

    try:
        device = miniaudio.CaptureDevice(
            input_format=miniaudio.SampleFormat.SIGNED16, nchannels=1,
            sample_rate=sample_rate, buffersize_msec=buffer_ms, app_name="voiceguide",
        )  # fmt: skip
    except miniaudio.MiniaudioError as error:
        os.write(1, _FAILED + str(error.args[0]).encode(errors="replace"))
        os._exit(3)
    generator = receive()
    next(generator)
    os.write(1, _READY)
    device.start(generator)
    with contextlib.suppress(OSError):
        while os.read(0, 1024):
            pass
    os._exit(0)

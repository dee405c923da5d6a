"""A sound card that runs in real time, for tests and benchmarks on a machine without one.

ALSA's file plugin with a ``null`` slave has no clock: a player writes into it as fast as it can
render, and a capture ``infile`` is read as fast as the program asks (measured: a 45 s session
"played" in well under a second). Here each end of the file plugin is a FIFO and this process
is the card's crystal: it drains what is played at the sample rate (a FIFO blocks its writer
until read, so the player is paced exactly as a sound card paces it) and writes what the
microphone hears at its sample rate. It counts underruns as a card would: a frame due at the
speaker that the player had not yet rendered.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PIPE_BYTES = 4096  # the smallest pipe: the card holds little beyond ALSA's own buffer
TICK_S = 0.005
FRAME_BYTES = 8  # the player plays float32 stereo
# The file plugin keeps ALSA's buffer back (miniaudio asks for 3 periods of the player's 100 ms)
# and writes to the FIFO only what the player renders beyond it: measured, the player has rendered
# 13544 frames (0.307 s) more than reached the file at each of its pulls. So when the FIFO has run
# dry, the player is that far ahead of the clock; if a frame is due later than that, it was not
# rendered in time: an underrun. (Counted from a little less, so a count errs toward more.)
PLAYER_BUFFER_S = 0.3
WRITER_GRACE_S = 0.05  # how long a blocked writer may take to be scheduled and refill the FIFO
CARD_STALL_S = 0.05  # this process run this much later than asked: the card stalled, not the player
MIC_PERIOD_S = 0.1  # the player's microphone period (voiceguide/listen/microphone.py, BUFFER_MS)


@dataclass(frozen=True, slots=True)
class Underrun:
    at_s: float  # where in what was played
    missing_s: float  # how much was due and not there


Microphone = Callable[[int, int, "ClockedCard"], np.ndarray]  # (first sample, count, card) -> int16


class ClockedCard:
    """The ALSA default device of a ``HOME`` (``env``): playback drained in real time into
    :attr:`played`, capture fed in real time from ``microphone`` (16 kHz mono int16, asked for by
    sample index from the moment the player opened it)."""

    def __init__(
        self, home: Path, microphone: Microphone, *, rate: int, mic_rate: int = 16000
    ) -> None:
        self.rate, self.mic_rate = rate, mic_rate
        self._speaker, self._mic_path = home / "speaker.fifo", home / "microphone.fifo"
        os.mkfifo(self._speaker)
        os.mkfifo(self._mic_path)
        (home / ".asoundrc").write_text(
            "pcm.!default {\n  type asym\n"
            f'  playback.pcm {{ type file; slave.pcm "null"; file "{self._speaker}"; format "raw" }}\n'
            f'  capture.pcm {{ type file; slave.pcm "null"; file "/dev/null";'
            f' infile "{self._mic_path}"; format "raw" }}\n'
            "}\n"
        )
        kept = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        self.env = {**kept, "HOME": str(home)}
        self._microphone = microphone
        self._data = bytearray()
        self.underruns: list[Underrun] = []
        self.card_stalls: list[float] = []  # seconds this process was held up past a tick
        self.speaker_started: float | None = None  # time.monotonic() of the first frame played
        self.microphone_opens: list[float] = []  # time.monotonic() of each time it was opened
        self.eof = threading.Event()  # the player closed its playback device
        self._stop = threading.Event()
        # opened for reading first, so that the player's open for writing returns at once
        self._fd = os.open(self._speaker, os.O_RDONLY | os.O_NONBLOCK)
        fcntl.fcntl(self._fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        self._threads = [
            threading.Thread(target=self._drain, name="card-speaker", daemon=True),
            threading.Thread(target=self._feed, name="card-microphone", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    @property
    def played(self) -> np.ndarray:
        """What reached the speaker so far, ``(frames, 2)`` float32."""
        return self.played_at(0, len(self._data) // FRAME_BYTES)

    @property
    def played_bytes(self) -> int:
        return len(self._data)

    def played_at(self, start: int, count: int) -> np.ndarray:
        """``count`` frames played from frame ``start`` (zeros where nothing was played yet)."""
        out = np.zeros((count, 2), np.float32)
        data = bytes(self._data[start * FRAME_BYTES : (start + count) * FRAME_BYTES])
        played = np.frombuffer(data[: len(data) // FRAME_BYTES * FRAME_BYTES], dtype="<f4")
        out[: len(played) // 2] = played.reshape(-1, 2)
        return out

    def close(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        os.close(self._fd)

    # -- the speaker ------------------------------------------------------------------------------
    def _read(self, limit: int) -> bytes | None:
        """What the FIFO holds, up to ``limit`` bytes, without waiting; None at its end."""
        got = b""
        while len(got) < limit:
            try:
                chunk = os.read(self._fd, limit - len(got))
            except BlockingIOError:
                break
            if not chunk:
                return got or None
            got += chunk
        return got

    def _take(self, data: bytes) -> None:
        self._data += data

    def _drain(self) -> None:
        start = 0.0  # the clock: frame n is due at start + n / rate
        buffer_bytes = round(PLAYER_BUFFER_S * self.rate) * FRAME_BYTES
        slept = 0.0  # when this loop last went to sleep
        while not self._stop.is_set():
            if self.speaker_started is None:  # no player yet (a FIFO with no writer reads as ended)
                first = self._read(1 << 16)
                if first:
                    self.speaker_started = start = slept = time.monotonic()
                    self._take(first)
                else:
                    time.sleep(TICK_S)
                continue
            late_s = time.monotonic() - slept - TICK_S
            if late_s > CARD_STALL_S:  # this process was not run: the card, not the player, stalled
                self.card_stalls.append(late_s)  # (the player was held up with it: the FIFO was
                start += late_s  # full): its clock pauses as long
            due = round((time.monotonic() - start) * self.rate) * FRAME_BYTES - self.played_bytes
            if due > 0:
                got = self._read(due)
                if got is None:  # the player closed its device
                    self.eof.set()
                    return
                self._take(got)
                lag = due - len(got)
                if lag > buffer_bytes and not select.select([self._fd], [], [], WRITER_GRACE_S)[0]:
                    # nothing to play, and nothing rendered: the card plays silence and goes on
                    at_s, missing_s = (
                        self.played_bytes / FRAME_BYTES / self.rate,
                        lag / FRAME_BYTES / self.rate,
                    )
                    self.underruns.append(Underrun(at_s, missing_s))
                    start += missing_s
            slept = time.monotonic()
            time.sleep(TICK_S)

    # -- the microphone ---------------------------------------------------------------------------
    def _feed(self) -> None:
        # A period at a time, once it has been heard, as a card's interrupt delivers it: miniaudio
        # hands the program a whole period for every read, and a FIFO read returns what has been
        # written so far, so a smaller write would reach the listener padded with stale samples
        # (measured: 10 ms writes became ten 100 ms callbacks a second).
        period = round(MIC_PERIOD_S * self.mic_rate)
        while not self._stop.is_set():
            try:
                fd = os.open(self._mic_path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # not opened by a player yet
                time.sleep(TICK_S)
                continue
            os.set_blocking(fd, True)
            opened = time.monotonic()
            self.microphone_opens.append(opened)
            sent = 0
            try:
                while not self._stop.is_set():
                    time.sleep(
                        max(0.0, opened + (sent + period) / self.mic_rate - time.monotonic())
                    )
                    samples = self._microphone(sent, period, self)
                    os.write(fd, np.ascontiguousarray(samples, dtype="<i2").tobytes())
                    sent += period
            except OSError:  # the player closed its microphone
                pass
            finally:
                with contextlib.suppress(OSError):
                    os.close(fd)

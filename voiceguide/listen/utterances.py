"""Cutting the microphone's sound into utterances: pocketsphinx's voice-activity endpointer, and
(when asked) a cut where the sound falls well below the utterance's loudest part and stays there.

The endpointer alone keeps an utterance open while anything voice-like sounds: a chime or the
soundscape from the loudspeaker right before or after a command joins it, the utterance grows
past a command's length, or ends more than a second after the word. A spoken command is much
louder than what the loudspeaker's echo brings in the gaps, so the sound staying 20 dB below the
utterance's loudest 30 ms ends it. Read-aloud speech dips as far between phrases, for shorter:
the recognizer asks for 0.3 s, and 0.6 s after the wake word, where a caregiver reads aloud.

Input: 16 kHz mono 16-bit samples, in any sizes. Output: each utterance's samples and its start
and end (seconds from the first sample).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

SAMPLE_RATE = 16000
LOUD_DBFS = -45.0  # an utterance whose loudest part is quieter is not cut (too quiet to be a word)
EDGE_S = 0.3  # of the quiet before and after the loud part, what stays in the utterance (a word's
# own soft start and end, and the silence the decoder expects around it)


@dataclass(frozen=True, slots=True)
class Utterance:
    pcm: bytes
    start_s: float
    end_s: float


class Utterances:
    """Feed samples with :meth:`feed`; it returns the utterances that ended in them."""

    def __init__(self, *, cut: tuple[float, float] | None) -> None:
        """``cut``: (dB below the loudest part, seconds it stays there) ends an utterance."""
        from pocketsphinx import Endpointer

        self._endpointer: Any = Endpointer(window=0.3, ratio=0.9)
        self._frame_bytes = int(self._endpointer.frame_bytes)
        self._frame_s = self._frame_bytes / 2 / SAMPLE_RATE
        self._cut = cut
        self._pending = b""
        self._frames: list[bytes] = []
        self._in_utterance = False
        self._start_s = 0.0
        self._loudest_db = -math.inf
        self._quiet_frames = 0
        self._levels_db: list[float] = []

    def feed(self, pcm: bytes) -> list[Utterance]:
        ended: list[Utterance] = []
        self._pending += pcm
        while len(self._pending) >= self._frame_bytes:
            frame = self._pending[: self._frame_bytes]
            self._pending = self._pending[self._frame_bytes :]
            speech = self._endpointer.process(frame)
            if speech is not None:
                if not self._in_utterance:
                    self._begin(float(self._endpointer.speech_start))
                self._frames.append(speech)
                if self._falls_quiet(speech):
                    ended.append(self._end())
                    # the endpointer's utterance goes on: a new one starts
                    self._begin(self._start_s + len(self._frames) * self._frame_s)
            if self._in_utterance and not self._endpointer.in_speech:
                ended.append(self._end())
                self._in_utterance = False
        return [utterance for utterance in ended if utterance.pcm]

    def _begin(self, start_s: float) -> None:
        self._in_utterance = True
        self._start_s = start_s
        self._frames = []
        self._loudest_db = -math.inf
        self._quiet_frames = 0
        self._levels_db = []

    def _end(self) -> Utterance:
        """The utterance so far; when cutting, without the quiet it starts and ends in (a chime or
        the soundscape before a command, the wait that ended it): its length, start and end are
        the words', give or take :data:`EDGE_S`."""
        first_frame, end_frame = 0, len(self._frames)
        if self._cut is not None and self._loudest_db > LOUD_DBFS:
            edge_frames = round(EDGE_S / self._frame_s)
            first_frame = max(0, self._loud_start_frame() - edge_frames)
            end_frame = min(end_frame, len(self._frames) - self._quiet_frames + edge_frames)
        return Utterance(
            b"".join(self._frames[first_frame:end_frame]),
            self._start_s + first_frame * self._frame_s,
            self._start_s + end_frame * self._frame_s,
        )

    def _loud_start_frame(self) -> int:
        """The frame where the loud part begins: after the last stretch as long as the cut's,
        before the loudest frame, where the sound stayed well below it (an echo of the guide's
        voice that ran into a command is not part of it)."""
        assert self._cut is not None
        cut_db, quiet_s = self._cut
        loud_db = self._loudest_db - cut_db
        peak_frame = self._levels_db.index(self._loudest_db)
        quiet_frames = round(quiet_s / self._frame_s)
        after_quiet_frame, run_frames = 0, 0
        for frame in range(peak_frame, -1, -1):
            run_frames = run_frames + 1 if self._levels_db[frame] < loud_db else 0
            if run_frames >= quiet_frames:
                after_quiet_frame = frame + run_frames
                break
        loud = range(after_quiet_frame, peak_frame + 1)
        return next(frame for frame in loud if self._levels_db[frame] >= loud_db)

    def _falls_quiet(self, frame: bytes) -> bool:
        if self._cut is None:
            return False
        cut_db, quiet_s = self._cut
        samples = np.frombuffer(frame, "<i2").astype(np.float32) / 32768
        level_db = 10 * math.log10(float(np.mean(samples * samples)) + 1e-12)
        self._levels_db.append(level_db)
        if level_db > self._loudest_db:
            self._loudest_db, self._quiet_frames = level_db, 0
        elif level_db < self._loudest_db - cut_db:
            self._quiet_frames += 1
        else:
            self._quiet_frames = 0
        return self._quiet_frames * self._frame_s >= quiet_s and self._loudest_db > LOUD_DBFS

"""A take, from the microphone's samples: when speech starts and stops (voice activity, counted in
samples, never the wall clock), where to trim it, and whether to keep it.

Levels are the RMS of 10 ms blocks in dBFS. The noise floor is the quietest tenth of the blocks
heard so far; speech starts with 50 ms of blocks 12 dB over it (and over -55 dBFS) within 80 ms,
and goes on while blocks are 6 dB over it; the take ends after 1 s without speech.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Samples = npt.NDArray[np.float32]

BLOCK_S = 0.01
SPEECH_OVER_FLOOR_DB = 12.0
STILL_SPEAKING_OVER_FLOOR_DB = 6.0  # once started, quieter blocks still count as speech
SPEECH_MIN_DBFS = -55.0
FLOOR_MAX_DBFS = -40.0  # a floor louder than this is speech heard from the start, not a room
ONSET_BLOCKS, ONSET_WINDOW = 5, 8  # 50 ms of speech within 80 ms
FLOOR_BLOCKS = 10  # the room is heard for 100 ms before speech can start
SILENT_DBFS = -119.0  # digital silence (a device's first period of zeros): not the room's level
END_SILENCE_S = 1.0
NO_SPEECH_S = 8.0  # nothing said this long after the tone: stop and say so
MAX_TAKE_S = 120.0
PAD_BEFORE_S, PAD_AFTER_S = 0.03, 0.03  # kept around the speech when trimming
EDGE_FADE_S = 0.005
TRIM_BELOW_PEAK_DB = 40.0  # a take's edges: its first and last blocks this close to its peak
CLIP_LEVEL = 32766 / 32768
CLIPPED_RUN = 3  # samples in a row at full scale: clipping, not a loud peak
QUIET_PEAK_DBFS = -40.0  # the loudest 10 ms of speech under this: far too quiet
MIN_SPEECH_S = 0.15
NO_SPEECH = "no speech heard: speak after the tone (is the microphone on?)"
TOO_QUIET = "far too quiet: move closer to the microphone, or speak up"


def block_levels_db(samples: Samples, block_frames: int) -> npt.NDArray[np.float64]:
    """RMS level of each whole block, in dBFS (-120 for digital silence)."""
    count = len(samples) // block_frames
    blocks = samples[: count * block_frames].astype(np.float64).reshape(count, block_frames)
    rms = np.sqrt(np.mean(blocks**2, axis=1))
    levels: npt.NDArray[np.float64] = 20 * np.log10(np.maximum(rms, 1e-6))
    return levels


class VoiceActivity:
    """Fed the microphone's samples as they come; says when the take is over."""

    def __init__(self, sample_rate: int) -> None:
        self.block_frames = round(sample_rate * BLOCK_S)
        self.sample_rate = sample_rate
        self.levels: list[float] = []
        self.sound: list[float] = []  # the levels of blocks that are not digital silence
        self._rest = np.zeros(0, dtype=np.float32)
        self.started_block: int | None = None
        self.quiet_blocks = 0

    @property
    def heard_s(self) -> float:
        return len(self.levels) * BLOCK_S

    @property
    def speaking(self) -> bool:
        return self.started_block is not None

    def feed(self, samples: Samples) -> bool:
        """Take more samples; True when the take is over (speech then 1 s of quiet, or too long)."""
        joined = np.concatenate([self._rest, samples])
        whole = len(joined) // self.block_frames * self.block_frames
        self._rest = joined[whole:]
        for level in block_levels_db(joined[:whole], self.block_frames):
            self.levels.append(float(level))
            if self._block_done(float(level)):
                return True
        return False

    def _threshold(self, over_floor_db: float) -> float:
        sound = self.sound[-3000:]
        floor = float(np.percentile(sound, 10)) if sound else SILENT_DBFS
        return max(min(floor, FLOOR_MAX_DBFS) + over_floor_db, SPEECH_MIN_DBFS)

    def _block_done(self, level: float) -> bool:
        if level > SILENT_DBFS:
            self.sound.append(level)
        if self.started_block is None:
            if len(self.sound) < FLOOR_BLOCKS:
                return False
            threshold = self._threshold(SPEECH_OVER_FLOOR_DB)
            recent = self.levels[-ONSET_WINDOW:]
            if sum(value > threshold for value in recent) >= ONSET_BLOCKS:
                self.started_block = len(self.levels) - len(recent)
            return self.heard_s >= NO_SPEECH_S and self.started_block is None
        threshold = self._threshold(STILL_SPEAKING_OVER_FLOOR_DB)
        self.quiet_blocks = 0 if level > threshold else self.quiet_blocks + 1
        return self.quiet_blocks * BLOCK_S >= END_SILENCE_S or self.heard_s >= MAX_TAKE_S


@dataclass(frozen=True, slots=True)
class Verdict:
    """A take ready to keep (``problem`` None), or the reason it is refused."""

    samples: Samples  # trimmed, with faded edges
    start_frame: int  # where the trimmed take began in what was heard
    problem: str | None


def judge(samples: Samples, sample_rate: int) -> Verdict:
    """Trim the silence around the speech and check the take: clipped, far too quiet, or none."""
    empty = np.zeros(0, dtype=np.float32)
    if _clipped(samples):
        return Verdict(empty, 0, "clipped: move back from the microphone, or speak more softly")
    block = round(sample_rate * BLOCK_S / 2)  # 5 ms: finer edges
    levels = block_levels_db(samples, block)
    if len(levels) == 0:
        return Verdict(empty, 0, NO_SPEECH)
    sound = levels[levels > SILENT_DBFS]
    floor = float(np.percentile(sound, 10)) if len(sound) else SILENT_DBFS
    peak = float(levels.max())
    speech_threshold = max(min(floor, FLOOR_MAX_DBFS) + SPEECH_OVER_FLOOR_DB, SPEECH_MIN_DBFS)
    if peak <= speech_threshold:
        heard_something = peak > min(floor, FLOOR_MAX_DBFS) + STILL_SPEAKING_OVER_FLOOR_DB
        return Verdict(empty, 0, TOO_QUIET if heard_something else NO_SPEECH)
    edge = max(speech_threshold - 6.0, peak - TRIM_BELOW_PEAK_DB)
    loud = np.flatnonzero(levels > edge)
    first, last = int(loud[0]), int(loud[-1])
    if (last + 1 - first) * block < MIN_SPEECH_S * sample_rate:
        return Verdict(empty, 0, NO_SPEECH)
    if peak < QUIET_PEAK_DBFS:
        return Verdict(empty, 0, TOO_QUIET)
    start = max(0, first * block - round(PAD_BEFORE_S * sample_rate))
    end = min(len(samples), (last + 1) * block + round(PAD_AFTER_S * sample_rate))
    return Verdict(_faded(samples[start:end], sample_rate), start, None)


def _clipped(samples: Samples) -> bool:
    full = np.abs(samples) >= CLIP_LEVEL
    if not full.any():
        return False
    run = np.convolve(full.astype(np.int8), np.ones(CLIPPED_RUN, dtype=np.int8), mode="valid")
    return bool((run >= CLIPPED_RUN).any())


def _faded(samples: Samples, sample_rate: int) -> Samples:
    out = samples.astype(np.float32, copy=True)
    fade = min(len(out) // 2, round(EDGE_FADE_S * sample_rate))
    if fade:
        ramp = (0.5 - 0.5 * np.cos(np.pi * np.arange(fade) / fade)).astype(np.float32)
        out[:fade] *= ramp
        out[len(out) - fade :] *= ramp[::-1]
    return out

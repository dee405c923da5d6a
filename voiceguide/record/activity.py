"""Voice activity in a room: when speech starts and stops, block by block (10 ms), counted in
samples, never the wall clock.

A room's noise is rarely white: a fan hums at 50 Hz and its harmonics, a quiet bedroom is pink or
brown (most of its power low down, its level over 10 ms swinging by several dB). So a block is not
judged by its level but by its spectrum against the room's: each frequency bin's power over the
room's own power in that bin, averaged over 150 Hz - 8 kHz. In any steady noise that ratio stays
near 1 (0 dB, within about 1 dB block to block), whatever the noise's colour; speech lifts it by
tens of dB in the bins it speaks in. The room is learnt from the blocks heard before the speech
(at least the first 100 ms) and from the quiet blocks after.

Speech starts with 50 ms of blocks 8 dB over the room (and over -55 dBFS) within 80 ms, and goes
on while blocks stay 3 dB over it (two in a row, or one 8 dB over).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Samples = npt.NDArray[np.float32]
Levels = npt.NDArray[np.float64]

BLOCK_S = 0.01
BAND_HZ = (150.0, 8000.0)
ONSET_OVER_ROOM_DB = 8.0
STILL_SPEAKING_OVER_ROOM_DB = 3.0  # once started, quieter blocks still count as speech
SPEECH_MIN_DBFS = -55.0
ROOM_MAX_DBFS = -40.0  # a room louder than this is speech heard from the start, not a room
ONSET_BLOCKS, ONSET_WINDOW = 5, 8  # 50 ms of speech within 80 ms
ROOM_BLOCKS = 10  # the room is heard for 100 ms before speech can start
ROOM_MEMORY_BLOCKS = 300  # the room learnt over about the last 3 s of quiet
SILENT_DBFS = -119.0  # digital silence (a device's first period of zeros): not the room's level


class Room:
    """The room's spectrum, learnt from quiet blocks, and how far a block stands out of it."""

    def __init__(self, sample_rate: int) -> None:
        self.block_frames = round(sample_rate * BLOCK_S)
        freqs_hz = np.fft.rfftfreq(self.block_frames, 1 / sample_rate)
        self.bins = np.flatnonzero((freqs_hz >= BAND_HZ[0]) & (freqs_hz <= BAND_HZ[1]))
        self.window = np.hanning(self.block_frames + 2)[1:-1]
        # the window's power gain, so a band's power reads as the block's RMS would
        self.gain = float(np.sum(self.window**2)) * self.block_frames / 2
        self.power = np.zeros(len(self.bins))
        self.level_power = 0.0  # the room's broadband power (mean square)
        self.blocks = 0

    def spectra(self, blocks: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Each block's power in the band's bins (``(blocks, frames)`` in)."""
        spectrum = np.fft.rfft(blocks * self.window, axis=1)[:, self.bins]
        power: npt.NDArray[np.float64] = np.abs(spectrum) ** 2 / self.gain
        return power

    def learn(self, spectrum: npt.NDArray[np.float64], level_power: float) -> None:
        self.blocks = min(self.blocks + 1, ROOM_MEMORY_BLOCKS)
        weight = 1.0 / self.blocks
        self.power += (spectrum - self.power) * weight
        self.level_power += (level_power - self.level_power) * weight

    @property
    def level_dbfs(self) -> float:
        return float(10 * np.log10(max(self.level_power, 1e-12)))

    def over_room_db(self, spectra: npt.NDArray[np.float64]) -> Levels:
        """How far each block stands out of the room: the mean of its bins' power over the room's."""
        floor = self.power
        if self.level_dbfs > ROOM_MAX_DBFS:  # speech from the first block: not a room's level
            floor = floor * 10 ** ((ROOM_MAX_DBFS - self.level_dbfs) / 10)
        ratio = np.mean(spectra / np.maximum(floor, 1e-14), axis=1)
        over: Levels = 10 * np.log10(np.maximum(ratio, 1e-12))
        return over


def block_levels_db(samples: Samples, block_frames: int) -> Levels:
    """RMS level of each whole block, in dBFS (-120 for digital silence)."""
    count = len(samples) // block_frames
    blocks = samples[: count * block_frames].astype(np.float64).reshape(count, block_frames)
    rms = np.sqrt(np.mean(blocks**2, axis=1))
    levels: Levels = 20 * np.log10(np.maximum(rms, 1e-6))
    return levels


class VoiceActivity:
    """Fed the microphone's samples as they come; says when the take is over: speech, then
    ``end_silence_s`` without it; or nothing said for ``no_speech_s``; or ``max_s`` heard."""

    def __init__(
        self, sample_rate: int, end_silence_s: float = 1.0, no_speech_s: float = 8.0,
        max_s: float = 120.0,
    ) -> None:  # fmt: skip
        self.room = Room(sample_rate)
        self.block_frames = self.room.block_frames
        self.end_silence_s = end_silence_s
        self.no_speech_s = no_speech_s
        self.max_s = max_s
        self.levels: list[float] = []
        self.over_db: list[float] = []  # each block over the room
        self._rest = np.zeros(0, dtype=np.float32)
        self.started_block: int | None = None
        self.last_speech_block: int | None = None
        self.quiet_blocks = 0

    @property
    def heard_s(self) -> float:
        return len(self.levels) * BLOCK_S

    @property
    def speaking(self) -> bool:
        return self.started_block is not None

    def feed(self, samples: Samples) -> bool:
        """Take more samples; True when the take is over."""
        joined = np.concatenate([self._rest, samples.astype(np.float32)])
        whole = len(joined) // self.block_frames * self.block_frames
        self._rest = joined[whole:]
        blocks = joined[:whole].astype(np.float64).reshape(-1, self.block_frames)
        if len(blocks) == 0:
            return False
        spectra = self.room.spectra(blocks)
        powers = np.mean(blocks**2, axis=1)
        return any(
            self._block_done(spectrum, float(power))
            for spectrum, power in zip(spectra, powers, strict=True)
        )

    def _block_done(self, spectrum: npt.NDArray[np.float64], power: float) -> bool:
        level = float(10 * np.log10(max(power, 1e-12)))
        self.levels.append(level)
        if level <= SILENT_DBFS:
            self.over_db.append(0.0)
            return self._over()
        if self.room.blocks < ROOM_BLOCKS and self.started_block is None:
            self.room.learn(spectrum, power)
            self.over_db.append(0.0)
            return self._over()
        over = float(self.room.over_room_db(spectrum[None, :])[0])
        self.over_db.append(over)
        if self.started_block is None:
            if over < STILL_SPEAKING_OVER_ROOM_DB:
                self.room.learn(spectrum, power)
            self._look_for_onset()
            return self._over()
        if over > ONSET_OVER_ROOM_DB or min(self.over_db[-2:]) > STILL_SPEAKING_OVER_ROOM_DB:
            self.quiet_blocks = 0  # a word goes on (one block a little over is the room swaying)
            self.last_speech_block = len(self.levels) - 1
        else:
            self.quiet_blocks += 1
            if self.quiet_blocks * BLOCK_S > 0.3:  # well clear of the words: the room again
                self.room.learn(spectrum, power)
        return self._over()

    def _look_for_onset(self) -> None:
        recent = range(max(0, len(self.levels) - ONSET_WINDOW), len(self.levels))
        strong = [
            i for i in recent
            if self.over_db[i] > ONSET_OVER_ROOM_DB and self.levels[i] > SPEECH_MIN_DBFS
        ]  # fmt: skip
        if len(strong) >= ONSET_BLOCKS:
            first = strong[0]
            while first > 0 and self.over_db[first - 1] > STILL_SPEAKING_OVER_ROOM_DB:
                first -= 1
            self.started_block = first
            self.last_speech_block = len(self.levels) - 1

    def _over(self) -> bool:
        if self.heard_s >= self.max_s:
            return True
        if self.started_block is None:
            return self.heard_s >= self.no_speech_s
        return self.quiet_blocks * BLOCK_S >= self.end_silence_s

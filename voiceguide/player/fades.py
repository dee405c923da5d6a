"""The audio side of the player: turning the transport's segments into samples (fades, cross-fades,
the hold's bed), the volume's glide, the early start's level glide, and the soft confirming tones.
Every change is heard and never clicks."""

from __future__ import annotations

import math

import numpy as np

from voiceguide.player.segments import Bed, Crossfade, FadeOut, Segment, Session, Silence
from voiceguide.player.transport import FADE_S, Cue
from voiceguide.render.mix import CHANNELS, MixRenderer

HOLD_BED_DB = -4.0  # the bed, a little softer, while the player waits at a hold
HOLD_GLIDE_S = 0.5  # how long the bed takes to reach that level
TONE_LEVEL = 0.05
TRIM_GLIDE_S = 4.0  # after an early start, the level glides this long to the whole session's


def confirm_tone(rising: bool, sample_rate: int) -> np.ndarray:
    """Two soft notes (a fifth apart, 100 ms each, raised-cosine shaped): rising for resume or
    volume up, falling for pause or volume down. Heard with eyes closed; never a click."""
    notes_hz = (523.25, 783.99) if rising else (783.99, 523.25)
    return _notes(notes_hz, sample_rate)


def limit_tone(sample_rate: int) -> np.ndarray:
    """One low soft note, twice: "nothing changed" (the volume is already at its end)."""
    return _notes((392.0, 0.0, 392.0), sample_rate)


def _notes(notes_hz: tuple[float, ...], sample_rate: int) -> np.ndarray:
    frames = round(0.1 * sample_rate)
    window = np.sin(np.pi * (np.arange(frames) + 0.5) / frames) ** 2
    t = np.arange(frames) / sample_rate
    tone = np.concatenate([np.sin(2 * np.pi * hz * t) * window for hz in notes_hz]) * TONE_LEVEL
    return np.repeat(tone[:, None], CHANNELS, axis=1).astype(np.float32)


class Sound:
    """Renders segments from one :class:`MixRenderer` (swapped when the whole session lands) and
    keeps what glides from pull to pull: the volume, the early start's level, the tones."""

    def __init__(self, renderer: MixRenderer) -> None:
        self.renderer = renderer
        self.rate = renderer.mix.sample_rate
        self._fade = round(FADE_S * self.rate)
        self._gain = 1.0  # the volume actually applied, gliding toward the transport's
        self._trim_db = 0.0  # after an early start: the level still gliding to the session's
        self._trim_step_db = 0.0  # by this much a frame
        self._tones: list[np.ndarray] = []
        self._entry: tuple[int, float] = (-1, 1.0)  # a hold's entry and the bed's gain there

    def swap(self, renderer: MixRenderer) -> None:
        """The whole session takes over: its level glides from the early start's."""
        self._trim_db += 20 * math.log10(self.renderer.mix.master_gain / renderer.mix.master_gain)
        self._trim_step_db = self._trim_db / (TRIM_GLIDE_S * self.rate)
        self.renderer = renderer

    def cue(self, cue: Cue) -> None:
        if cue is Cue.LIMIT:
            if not self._tones:  # pressed again and again: said once
                self._tones.append(limit_tone(self.rate))
        else:
            self._tones.append(confirm_tone(cue is Cue.RISING, self.rate))

    def render(self, segments: list[Segment], frames: int, volume_db: float) -> np.ndarray:
        if not segments:
            return np.zeros((frames, CHANNELS), dtype=np.float32)
        out = np.concatenate([self._segment(s) for s in segments])
        out *= (self._glide_volume(frames, volume_db) * self._glide_trim(frames))[:, None]
        self._mix_tones(out)
        return out

    def _segment(self, segment: Segment) -> np.ndarray:
        if isinstance(segment, Silence):
            return np.zeros((segment.frames, CHANNELS), dtype=np.float32)
        if isinstance(segment, Session):
            return self._session(segment)
        if isinstance(segment, Bed):
            return self._bed(segment)
        if isinstance(segment, FadeOut):
            count = segment.frames
            steps = (segment.remaining - np.arange(count)) / segment.total
            ramp = (0.5 - 0.5 * np.cos(np.pi * np.clip(steps, 0, 1))).astype(np.float32)
            faded: np.ndarray = self._segment(segment.source) * ramp[:, None]
            return faded
        return self._crossfade(segment)

    def _session(self, segment: Session) -> np.ndarray:
        """Session audio from ``start``; silence past the end."""
        audio = np.zeros((segment.frames, CHANNELS), dtype=np.float32)
        end = min(segment.start + segment.frames, self.renderer.total_frames)
        if end > segment.start:
            audio[: end - segment.start] = self.renderer.block(segment.start, end)
        if segment.ramp_in is not None:
            done, ramp_frames = segment.ramp_in
            steps = (done + np.arange(ramp_frames)) / self._fade
            audio[:ramp_frames] *= (0.5 - 0.5 * np.cos(np.pi * steps)).astype(np.float32)[:, None]
        return audio

    def _bed(self, segment: Bed) -> np.ndarray:
        """The bed alone while the player waits: it glides from its level under the last words to
        :data:`HOLD_BED_DB` over half a second, so entering the hold makes no step."""
        start, frames = segment.start, segment.frames
        bed = self.renderer.bed_only(start, start + frames)
        if self._entry[0] != segment.entry:
            ducking = self.renderer.mix.ducking
            gain = (
                ducking.gain_between(segment.entry, segment.entry + 1, self.rate)[0]
                if ducking
                else 1.0
            )
            self._entry = (segment.entry, float(gain))
        entry_gain = self._entry[1]
        target = 10 ** (HOLD_BED_DB / 20)
        progress = np.clip(
            (start - segment.entry + np.arange(frames)) / (HOLD_GLIDE_S * self.rate), 0.0, 1.0
        )
        gain = (entry_gain + (target - entry_gain) * progress).astype(np.float32)
        result: np.ndarray = bed * gain[:, None]
        return result

    def _crossfade(self, segment: Crossfade) -> np.ndarray:
        count = segment.frames
        up = (0.5 - 0.5 * np.cos(np.pi * (np.arange(count) + 0.5) / count)).astype(np.float32)[
            :, None
        ]
        old = self._segment(segment.old)
        new = np.concatenate([self._segment(s) for s in segment.new])
        mixed: np.ndarray = old * (1 - up) + new * up
        return mixed

    def _glide_volume(self, frames: int, volume_db: float) -> np.ndarray:
        target = 10 ** (volume_db / 20)
        glide = np.linspace(self._gain, target, frames, endpoint=False, dtype=np.float32)
        self._gain = target
        return glide.astype(np.float32)

    def _glide_trim(self, frames: int) -> np.ndarray:
        """The early start's level, gliding in a straight line (in dB) to the session's."""
        if self._trim_db == 0.0:
            return np.ones(frames, dtype=np.float32)
        path_db = self._trim_db - self._trim_step_db * np.arange(frames + 1)
        path_db = np.maximum(path_db, 0.0) if self._trim_db > 0 else np.minimum(path_db, 0.0)
        self._trim_db = float(path_db[-1])
        return np.asarray(10 ** (path_db[:-1] / 20), dtype=np.float32)

    def _mix_tones(self, out: np.ndarray) -> None:
        while self._tones and len(out):
            tone = self._tones[0]
            count = min(len(out), len(tone))
            out[:count] += tone[:count]
            if count < len(tone):
                self._tones[0] = tone[count:]
                return
            self._tones.pop(0)
            out = out[count:]

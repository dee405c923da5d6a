"""The mixer: a Timeline, its voice clips, cues and bed -> float32 stereo blocks, in constant memory.

Each block is computed on its own from the timeline (no state carried between blocks), so rendering a
6-hour session costs no more memory than a 6-minute one, and any block can be rendered alone (the
player starts or jumps anywhere this way).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from voiceguide.render.ducking import Ducking
from voiceguide.sound.beds import Bed
from voiceguide.sound.cues import breath_cue, breath_cue_frames, chime, chime_frames
from voiceguide.timeline import CueEvent, Line, Timeline

Samples = npt.NDArray[np.float32]

SAMPLE_RATE = 44100
CHANNELS = 2
BLOCK_FRAMES = 1 << 17  # about 3 s: big enough that numpy does the work, small enough to stream
CEILING_DB = -1.0  # a last safety: nothing passes this, whatever the gains
BED_GLIDE_S = 0.15  # a change of the player's soundscape level glides over this long


def db_to_gain(db: float) -> float:
    return float(10 ** (db / 20))


@dataclass(frozen=True, slots=True)
class Mix:
    """Everything to render. ``clips`` are leveled voice clips; ``bed_gain`` sets the bed against them;
    ``master_gain`` brings the whole session to its loudness target."""

    timeline: Timeline
    clips: Mapping[Line, Samples]
    sample_rate: int
    bed: Bed | None = None
    bed_gain: float = 0.0
    ducking: Ducking | None = None
    master_gain: float = 1.0

    @property
    def total_frames(self) -> int:
        return round(self.timeline.total_s * self.sample_rate)

    def with_master_gain(self, gain: float) -> Mix:
        return Mix(
            self.timeline, self.clips, self.sample_rate, self.bed, self.bed_gain, self.ducking, gain
        )


def cue_samples(cue: CueEvent, sample_rate: int) -> Samples:
    if cue.kind == "chime":
        return chime(cue.name, sample_rate)
    return breath_cue(cue.kind, round(cue.duration_s, 4), sample_rate)


def cue_frames(cue: CueEvent, sample_rate: int) -> int:
    """How long :func:`cue_samples` is, without making it."""
    if cue.kind == "chime":
        return chime_frames(cue.name, sample_rate)
    return breath_cue_frames(round(cue.duration_s, 4), sample_rate)


class _Layer:
    """Mono sounds placed at sample positions, added into blocks. Each sound is made by
    ``make(index)`` when a block first needs it (or by :meth:`make_all`), and kept."""

    def __init__(
        self,
        starts: list[int],
        lengths: Sequence[int],
        make: Callable[[int], Samples],
        gains: list[float],
    ) -> None:
        order = sorted(range(len(starts)), key=starts.__getitem__)
        self.starts = [starts[i] for i in order]
        self.ends = [starts[i] + lengths[i] for i in order]
        self.gains = [gains[i] for i in order]
        self._order = order
        self._make = make
        self._sounds: list[Samples | None] = [None] * len(order)
        self.longest = max(lengths, default=0)

    @classmethod
    def of(cls, starts: list[int], sounds: list[Samples], gains: list[float]) -> _Layer:
        """A layer of sounds already made."""
        return cls(starts, [len(sound) for sound in sounds], sounds.__getitem__, gains)

    def sound(self, index: int) -> Samples:
        """The ``index``-th sound in start order (made now if not yet: safe from any thread, a
        sound made twice at once is the same sound)."""
        made = self._sounds[index]
        if made is None:
            made = self._sounds[index] = self._make(self._order[index])
        return made

    def make_all(self) -> None:
        for index in range(len(self._sounds)):
            self.sound(index)

    def add_into(self, mono: np.ndarray, block_start: int) -> None:
        block_end = block_start + len(mono)
        first = bisect.bisect_left(self.starts, block_start - self.longest)
        for index in range(first, len(self.starts)):
            start = self.starts[index]
            if start >= block_end:
                break
            if self.ends[index] <= block_start:
                continue
            lo, hi = max(start, block_start), min(self.ends[index], block_end)
            segment = self.sound(index)[lo - start : hi - start]
            gain = self.gains[index]
            mono[lo - block_start : hi - block_start] += (
                segment if gain == 1.0 else segment * np.float32(gain)
            )


class MixRenderer:
    """Renders any stretch of a mix on demand; built once, used for every block.

    ``voice=False`` leaves the voice out (the prompter mode: a caregiver reads the lines aloud in
    time with the cues and the bed).
    """

    def __init__(self, mix: Mix, *, voice: bool = True, clip: bool = True) -> None:
        rate = mix.sample_rate
        timeline = mix.timeline
        self.mix = mix
        events = timeline.events if voice else ()
        self._voice = _Layer.of(
            [round(event.start_s * rate) for event in events],
            [mix.clips[event.line] for event in events],
            [db_to_gain(event.gain_db) for event in events],
        )
        cues = timeline.cues
        self._cues = _Layer(  # the tones are made when first heard, or by make_cues
            [round(cue.start_s * rate) for cue in cues],
            [cue_frames(cue, rate) for cue in cues],
            lambda index: cue_samples(cues[index], rate),
            [1.0] * len(cues),
        )
        self.bed_db = 0.0  # the listener's own soundscape level (the player's [ and ] keys)
        self._bed_gain = 1.0  # the level applied now, gliding toward bed_db's
        self._ceiling = np.float32(db_to_gain(CEILING_DB))
        self._clip = (
            clip  # off only to measure: the true peaks must be seen, not their clipped remains
        )

    @property
    def total_frames(self) -> int:
        return self.mix.total_frames

    def make_cues(self) -> None:
        """Make every breath tone and chime now (the player does so on another thread, so that
        its first sound need not wait for them and no block waits while one is made)."""
        self._cues.make_all()

    def block(self, block_start: int, block_end: int) -> np.ndarray:
        """The session's audio from ``block_start`` to ``block_end`` (frames), ``(frames, 2)`` float32."""
        mix = self.mix
        mono = np.zeros(block_end - block_start, dtype=np.float32)
        self._voice.add_into(mono, block_start)
        self._cues.add_into(mono, block_start)
        block = np.repeat(mono[:, None], CHANNELS, axis=1)
        if mix.bed is not None and mix.bed_gain > 0:
            block += self._bed_level(_bed_block(mix, block_start, block_end))
        block *= (_master_envelope(mix, block_start, block_end) * mix.master_gain)[:, None]
        if self._clip:
            np.clip(block, -self._ceiling, self._ceiling, out=block)
        return block

    def bed_only(self, block_start: int, block_end: int) -> np.ndarray:
        """The bed alone, undimmed by ducking or fades, at the master gain: what plays during a hold."""
        mix = self.mix
        if mix.bed is None or mix.bed_gain <= 0:
            return np.zeros((block_end - block_start, CHANNELS), dtype=np.float32)
        unducked = Mix(
            mix.timeline, mix.clips, mix.sample_rate, mix.bed, mix.bed_gain, None, mix.master_gain
        )
        bed = self._bed_level(_bed_block(unducked, block_start, block_end))
        return bed * np.float32(mix.master_gain)

    def _bed_level(self, bed: np.ndarray) -> np.ndarray:
        """The bed at the listener's own level (as rendered, unless the player changed it), gliding
        to a new level over :data:`BED_GLIDE_S` so that a change never clicks."""
        target = db_to_gain(self.bed_db)
        if self._bed_gain == target == 1.0:
            return bed
        step = 1.0 / (BED_GLIDE_S * self.mix.sample_rate)
        frames = np.arange(1, len(bed) + 1)
        if target >= self._bed_gain:
            gains = np.minimum(self._bed_gain + frames * step, target)
        else:
            gains = np.maximum(self._bed_gain - frames * step, target)
        self._bed_gain = float(gains[-1]) if len(gains) else self._bed_gain
        leveled: np.ndarray = bed * gains.astype(np.float32)[:, None]
        return leveled


def render_blocks(
    mix: Mix,
    *,
    start_frame: int = 0,
    end_frame: int | None = None,
    block_frames: int = BLOCK_FRAMES,
    clip: bool = True,
) -> Iterator[np.ndarray]:
    """Yield ``(frames, 2)`` float32 blocks from ``start_frame`` to ``end_frame`` (default: the end
    of the session)."""
    renderer = MixRenderer(mix, clip=clip)
    end = mix.total_frames if end_frame is None else min(end_frame, mix.total_frames)
    for block_start in range(start_frame, end, block_frames):
        yield renderer.block(block_start, min(block_start + block_frames, end))


def _bed_block(mix: Mix, block_start: int, block_end: int) -> np.ndarray:
    """The looped bed for this block (whole slices of the loop, no per-sample indexing), ducked."""
    assert mix.bed is not None
    loop = mix.bed.samples
    frames = block_end - block_start
    offset = block_start % len(loop)
    pieces = []
    while frames > 0:
        piece = loop[offset : offset + frames]
        pieces.append(piece)
        frames -= len(piece)
        offset = 0
    bed = np.concatenate(pieces) if len(pieces) > 1 else pieces[0].copy()
    gain = np.float32(mix.bed_gain)
    if mix.ducking is not None:
        bed *= (mix.ducking.gain_between(block_start, block_end, mix.sample_rate) * gain)[:, None]
    else:
        bed *= gain
    return bed


def _master_envelope(mix: Mix, block_start: int, block_end: int) -> np.ndarray:
    """A raised-cosine fade-in over the opening and a slow fade-out to silence at the very end."""
    rate = mix.sample_rate
    timeline = mix.timeline
    frames = block_end - block_start
    if round(timeline.fade_in_s * rate) <= block_start and block_end <= round(
        timeline.fade_out_start_s * rate
    ):
        return np.ones(frames, dtype=np.float32)
    t = np.arange(block_start, block_end, dtype=np.float64) / rate
    rise = np.clip(t / timeline.fade_in_s, 0.0, 1.0) if timeline.fade_in_s > 0 else np.ones_like(t)
    fade_s = timeline.total_s - timeline.fade_out_start_s
    fall = np.clip((timeline.total_s - t) / fade_s, 0.0, 1.0) if fade_s > 0 else np.ones_like(t)
    envelope = (0.5 - 0.5 * np.cos(np.pi * rise)) * (0.5 - 0.5 * np.cos(np.pi * fall))
    return envelope.astype(np.float32)

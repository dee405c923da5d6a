"""The interactive controller: keys in, audio frames out. No devices, no terminal: the backends pull
frames from it and the key reader feeds it keys, so every control is tested by feeding keys.

Every change is heard and never clicks: pausing and resuming fade over 30 ms and a soft two-note
tone confirms them; jumps cross-fade over 30 ms; the volume glides; quitting fades out over 300 ms.
"""

from __future__ import annotations

import bisect
import math
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

import numpy as np

from voiceguide.render.mix import CHANNELS, MixRenderer
from voiceguide.routine.durations import format_duration
from voiceguide.timeline import Timeline

FADE_S = 0.03
QUIT_FADE_S = 0.3
BACK_GRACE_S = 3.0  # "back" within this of a step's start goes to the previous step
VOLUME_STEP_DB = 3.0
VOLUME_RANGE_DB = (-30.0, 0.0)  # 0 dB is the session's own level (already at its loudness target)
HOLD_BED_DB = -4.0  # the bed, a little softer, while the player waits at a hold
HOLD_GLIDE_S = 0.5  # how long the bed takes to reach that level
HOLD_BED = -1  # a pending jump whose "old" audio is the hold's bed
TONE_LEVEL = 0.05
T = TypeVar("T")
TRIM_GLIDE_S = 4.0  # after an early start, the level glides this long to the whole session's


class State(Enum):
    PLAYING = "playing"
    PAUSED = "paused"
    HOLDING = "waiting"
    STOPPING = "stopping"
    FINISHED = "finished"


KEYS = {
    " ": "pause", "space": "pause",
    "right": "next", "n": "next",
    "left": "back", "p": "back",
    "r": "repeat",
    "up": "louder", "+": "louder", "=": "louder",
    "down": "softer", "-": "softer",
    "q": "quit", "ctrl-c": "quit", "escape": "quit",
}  # fmt: skip


@dataclass
class Upgrade:
    """The whole session, still being prepared while an early start plays: until ``landed`` is
    set, only the frames before ``ready_until`` of what plays are right, and the player waits
    there (the bed goes on). ``failed`` is set instead if the preparation failed."""

    ready_until: int
    landed: tuple[MixRenderer, Timeline] | None = None
    failed: BaseException | None = None

    def follow(self, future: Future[T], make: Callable[[T], tuple[MixRenderer, Timeline]]) -> None:
        """Land ``make(result)`` when ``future`` is done (built on the thread that finished it, so
        the audio thread only swaps references)."""

        def land(done: Future[T]) -> None:
            try:
                self.landed = make(done.result())
            except BaseException as error:
                self.failed = error

        future.add_done_callback(land)


@dataclass(frozen=True, slots=True)
class Status:
    state: State
    position_s: float
    chapter_title: str
    in_chapter_s: float
    left_s: float
    volume_db: float
    preparing: bool = False  # waiting for the rest of the session to be spoken

    def line(self) -> str:
        marks = {
            State.PLAYING: ">", State.PAUSED: "||", State.HOLDING: "..", State.STOPPING: "x", State.FINISHED: ".",
        }  # fmt: skip
        extra = "  (press space to go on)" if self.state is State.HOLDING else ""
        if self.preparing:
            extra = "  (the voice is still being prepared)"
        volume = f"  vol {self.volume_db:+.0f} dB" if self.volume_db else ""
        return (
            f"{marks[self.state]} {self.chapter_title}  {format_duration(self.in_chapter_s)} in step, "
            f"{format_duration(self.left_s)} left{volume}{extra}"
        )


def confirm_tone(rising: bool, sample_rate: int) -> np.ndarray:
    """Two soft notes (a fifth apart, 100 ms each, raised-cosine shaped): rising for resume or
    volume up, falling for pause or volume down. Heard with eyes closed; never a click."""
    notes_hz = (523.25, 783.99) if rising else (783.99, 523.25)
    frames = round(0.1 * sample_rate)
    window = np.sin(np.pi * (np.arange(frames) + 0.5) / frames) ** 2
    t = np.arange(frames) / sample_rate
    tone = np.concatenate([np.sin(2 * np.pi * hz * t) * window for hz in notes_hz]) * TONE_LEVEL
    return np.repeat(tone[:, None], CHANNELS, axis=1).astype(np.float32)


class Controller:
    """Thread-safe: :meth:`handle` is called from the key reader, :meth:`pull` from the audio thread."""

    def __init__(
        self, renderer: MixRenderer, timeline: Timeline, upgrade: Upgrade | None = None
    ) -> None:
        self.rate = renderer.mix.sample_rate
        self.state = State.PLAYING
        self.position = 0
        self.volume_db = 0.0
        self._gain = 1.0  # the volume actually applied, gliding toward volume_db
        self._trim_db = 0.0  # after an early start: the level still gliding to the session's
        self._trim_step_db = 0.0  # by this much a frame
        self._lock = threading.Lock()
        self._upgrade = upgrade
        self._then: int | None = None  # a jump past that point, made when the upgrade lands
        self._pause_when_ready = False  # space pressed while waiting: pause when it lands
        self.failure: BaseException | None = None  # the upgrade failed: the player stops
        self._use(renderer, timeline)
        self._fade = round(FADE_S * self.rate)
        self._fade_in = 0  # frames of fade-in still to apply (after a resume)
        self._fade_out = 0  # frames of fade-out still to apply (pausing or quitting)
        self._fade_total = 1
        self._fade_source: int | None = (
            0  # where the fading audio comes from (None: the hold's bed)
        )
        self._fade_follows = True  # the position moves on with the fade ...
        self._fade_limit = 0  # ... but not past this (the next hold)
        self._after_fade_out = State.PAUSED
        self._hold_entry = 0
        self._hold_entry_gain = 1.0
        self._jump_from: int | None = None  # a jump is pending: cross-fade from here
        self._hold_end = 0
        self._bed_position = 0
        self._tones: list[np.ndarray] = []
        self.on_change: Callable[[str], None] | None = None  # told of every control, for a display

    @property
    def _preparing(self) -> bool:
        """Waiting where the early start ends, until the whole session lands."""
        return (
            self._upgrade is not None
            and self.state is State.HOLDING
            and self._hold_entry == self._upgrade.ready_until  # not a routine's hold before it
        )

    def _use(self, renderer: MixRenderer, timeline: Timeline) -> None:
        self.renderer = renderer
        self.timeline = timeline
        self.total = renderer.total_frames
        self._chapter_starts = [round(chapter.start_s * self.rate) for chapter in timeline.chapters]
        self._holds = [
            (round(hold.start_s * self.rate), round(hold.end_s * self.rate))
            for hold in timeline.holds
        ]
        if self._upgrade is not None:  # wait where the early start ends
            ready = self._upgrade.ready_until
            self._holds = sorted([*[h for h in self._holds if h[0] < ready], (ready, ready)])

    def _take_upgrade(self) -> None:
        """Swap in the whole session once it is ready: the same audio up to where the early start
        ends, its level gliding to the session's over :data:`TRIM_GLIDE_S`."""
        upgrade = self._upgrade
        if upgrade is None:
            return
        if upgrade.failed is not None:
            self._upgrade, self.failure = None, upgrade.failed
            self._quit()
            return
        if upgrade.landed is None:
            return
        waiting = self._preparing
        renderer, timeline = upgrade.landed
        self._upgrade = None
        self._trim_db += 20 * math.log10(self.renderer.mix.master_gain / renderer.mix.master_gain)
        self._trim_step_db = self._trim_db / (TRIM_GLIDE_S * self.rate)
        self._use(renderer, timeline)
        then, self._then = self._then, None
        if waiting:
            self._jump(self._hold_end if then is None else then)
            self.state = State.PLAYING
            if self._pause_when_ready:
                self._start_fade(State.PAUSED, self._fade)
        elif then is not None and self.state is State.PAUSED and not self._fade_out:
            self.position = then  # a jump made while paused
        self._pause_when_ready = False

    # -- keys -----------------------------------------------------------------------------------
    def handle(self, key: str) -> str | None:
        """Act on a key (``space``, ``right``, ``n``, ``q``, ...); return the action taken, if any."""
        action = KEYS.get(key)
        if action is None:
            return None
        with self._lock:
            getattr(self, f"_{action}")()
        if self.on_change:
            self.on_change(action)
        return action

    def _pause(self) -> None:
        if self._preparing:  # the rest starts by itself when it is ready: paused, if asked
            self._pause_when_ready = not self._pause_when_ready
            self._tones.append(confirm_tone(not self._pause_when_ready, self.rate))
            return
        if self.state is State.PLAYING:
            self._start_fade(State.PAUSED, self._fade)
            self._tones.append(confirm_tone(False, self.rate))
        elif self.state is State.PAUSED:
            self.state = State.PLAYING
            self._fade_in = self._fade - self._fade_out  # resumed mid-fade: rise from where it was
            self._fade_out = 0
        elif self.state is State.HOLDING:
            self._jump(self._hold_end)
            self.state = State.PLAYING
            return
        else:
            return
        if self.state is State.PLAYING:
            self._tones.append(confirm_tone(True, self.rate))

    def _next(self) -> None:
        index = bisect.bisect_right(self._chapter_starts, self.position)
        self._jump(self._chapter_starts[index] if index < len(self._chapter_starts) else self.total)

    def _back(self) -> None:
        index = max(0, bisect.bisect_right(self._chapter_starts, self.position) - 1)
        if self.position - self._chapter_starts[index] < BACK_GRACE_S * self.rate and index > 0:
            index -= 1
        self._jump(self._chapter_starts[index] if self._chapter_starts else 0)

    def _repeat(self) -> None:
        index = max(0, bisect.bisect_right(self._chapter_starts, self.position) - 1)
        self._jump(self._chapter_starts[index] if self._chapter_starts else 0)

    def _louder(self) -> None:
        self._set_volume(self.volume_db + VOLUME_STEP_DB)

    def _softer(self) -> None:
        self._set_volume(self.volume_db - VOLUME_STEP_DB)

    def _quit(self) -> None:
        self._pause_when_ready = False
        if self.state in (State.FINISHED, State.STOPPING):
            return
        if self.state is State.PAUSED and self._fade_out == 0:
            self.state = State.FINISHED
            return
        self._start_fade(State.FINISHED, round(QUIT_FADE_S * self.rate))

    def _set_volume(self, volume_db: float) -> None:
        low, high = VOLUME_RANGE_DB
        self.volume_db = min(high, max(low, volume_db))

    def _start_fade(self, then: State, frames: int) -> None:
        """Fade out what is heard now (the hold's bed, the place a pending jump left, or the
        session), then go to ``then``. The position moves on with the fade only when the fade
        plays the session from the current place, and never past a hold."""
        if self.state is State.HOLDING:
            self._fade_source = None  # the hold's bed
            self._fade_follows = False
        elif self._jump_from is not None:
            self._fade_source, self._fade_follows = self._jump_from, False
        elif self._fade_out:  # already fading (pausing, then quitting): go on from there
            self._fade_source = self._fade_source
        else:
            self._fade_source, self._fade_follows = self.position, True
            self._fade_limit = next(
                (start for start, _ in self._holds if start >= self.position), self.total
            )
        self._jump_from = None
        self._fade_out = self._fade_total = max(1, frames)
        self._after_fade_out = then
        self.state = State.STOPPING if then is State.FINISHED else State.PAUSED

    def _jump(self, target: int) -> None:
        if self.state is State.STOPPING:
            return  # stopping: nothing else to hear
        self._then = None
        if self._upgrade is not None and target > self._upgrade.ready_until:
            self._then = target  # wait where the early start ends; go on to it from there
            target = self._upgrade.ready_until
        if self._preparing and target >= self._hold_end:
            return  # already waiting there
        if self.state is State.HOLDING:
            self._jump_from = self._jump_from if self._jump_from is not None else HOLD_BED
            self.state = State.PLAYING
        elif self.state is State.PLAYING and not self._fade_out:
            self._jump_from = self.position if self._jump_from is None else self._jump_from
        self.position = min(max(0, target), self.total)

    # -- audio ----------------------------------------------------------------------------------
    def pull(self, frames: int) -> np.ndarray:
        """The next ``frames`` frames to play, ``(frames, 2)`` float32."""
        with self._lock:
            self._take_upgrade()
            out = self._next_audio(frames)
            gain = self._glide_volume(frames) * self._glide_trim(frames)
            out *= gain[:, None]
            self._mix_tones(out)
            return out

    @property
    def finished(self) -> bool:
        return self.state is State.FINISHED

    def _next_audio(self, frames: int) -> np.ndarray:
        silence = np.zeros((frames, CHANNELS), dtype=np.float32)
        if self.state is State.FINISHED or (self.state is State.PAUSED and self._fade_out == 0):
            return silence
        if self._fade_out:  # pausing or stopping: what was heard, fading
            count = min(frames, self._fade_out)
            steps = (self._fade_out - np.arange(count)) / self._fade_total
            ramp = (0.5 - 0.5 * np.cos(np.pi * np.clip(steps, 0, 1))).astype(np.float32)
            silence[:count] = self._fading(count) * ramp[:, None]
            self._fade_out -= count
            if self._fade_out == 0:
                self.state = self._after_fade_out
            return silence
        if self.state is State.HOLDING:
            return self._hold_bed(frames)
        if self._jump_from is not None:
            return self._crossfade(frames)
        return self._play(frames)

    def _fading(self, count: int) -> np.ndarray:
        if self._fade_source is None:
            return self._hold_bed(count)
        audio = self._session(self._fade_source, count)
        self._fade_source += count
        if self._fade_follows:
            self.position = min(
                self._fade_source, self._fade_limit
            )  # a hold just ahead still waits
        return audio

    def _hold_bed(self, frames: int) -> np.ndarray:
        """The bed alone while the player waits: it glides from its level under the last words to
        :data:`HOLD_BED_DB` over half a second, so entering the hold makes no step."""
        bed = self.renderer.bed_only(self._bed_position, self._bed_position + frames)
        done = self._bed_position - self._hold_entry
        target = 10 ** (HOLD_BED_DB / 20)
        progress = np.clip((done + np.arange(frames)) / (HOLD_GLIDE_S * self.rate), 0.0, 1.0)
        gain = (self._hold_entry_gain + (target - self._hold_entry_gain) * progress).astype(
            np.float32
        )
        self._bed_position += frames
        result: np.ndarray = bed * gain[:, None]
        return result

    def _session(self, start: int, count: int) -> np.ndarray:
        """Session audio from ``start``; silence past the end."""
        audio = np.zeros((count, CHANNELS), dtype=np.float32)
        end = min(start + count, self.total)
        if end > start:
            audio[: end - start] = self.renderer.block(start, end)
        return audio

    def _play(self, frames: int) -> np.ndarray:
        out = np.zeros((frames, CHANNELS), dtype=np.float32)
        hold = next(
            ((s, e) for s, e in self._holds if self.position <= s < self.position + frames), None
        )
        count = frames if hold is None else hold[0] - self.position
        out[:count] = self._session(self.position, count)
        if self._fade_in:
            ramp_frames = min(count, self._fade_in)
            done = self._fade - self._fade_in
            steps = (done + np.arange(ramp_frames)) / self._fade
            out[:ramp_frames] *= (0.5 - 0.5 * np.cos(np.pi * steps)).astype(np.float32)[:, None]
            self._fade_in -= ramp_frames
        self.position += count
        if hold is not None:
            self._enter_hold(hold)
            out[count:] = self._next_audio(frames - count)
        elif self.position >= self.total:
            self.state = State.FINISHED
        return out

    def _enter_hold(self, hold: tuple[int, int]) -> None:
        self.state = State.HOLDING
        self._hold_end = hold[1]
        self._bed_position = self._hold_entry = self.position
        ducking = self.renderer.mix.ducking
        self._hold_entry_gain = (
            float(ducking.gain_between(self.position, self.position + 1, self.rate)[0])
            if ducking
            else 1.0
        )

    def _crossfade(self, frames: int) -> np.ndarray:
        """The first moments after a jump: the old place (or the hold's bed) fades out as the new
        place fades in."""
        assert self._jump_from is not None
        count = min(frames, self._fade)
        up = (0.5 - 0.5 * np.cos(np.pi * (np.arange(count) + 0.5) / count)).astype(np.float32)[
            :, None
        ]
        old = (
            self._hold_bed(count)
            if self._jump_from == HOLD_BED
            else self._session(self._jump_from, count)
        )
        self._jump_from = None
        out = np.zeros((frames, CHANNELS), dtype=np.float32)
        out[:count] = old * (1 - up) + self._play(count) * up
        if count < frames:
            out[count:] = self._next_audio(frames - count)
        return out

    def _glide_volume(self, frames: int) -> np.ndarray:
        target = 10 ** (self.volume_db / 20)
        glide = (
            np.linspace(self._gain, target, frames, endpoint=False, dtype=np.float32)
            if frames
            else np.zeros(0)
        )
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

    # -- what to show ---------------------------------------------------------------------------
    def status(self) -> Status:
        with self._lock:
            position_s = self.position / self.rate
            state = self.state
            volume_db = self.volume_db
            preparing = self._preparing
        index = max(0, bisect.bisect_right(self._chapter_starts, self.position) - 1)
        chapter = self.timeline.chapters[index] if self.timeline.chapters else None
        title = chapter.title if chapter else self.timeline.title
        start_s = chapter.start_s if chapter else 0.0
        return Status(
            state,
            position_s,
            title,
            max(0.0, position_s - start_s),
            self.timeline.total_s - position_s,
            volume_db,
            preparing,
        )

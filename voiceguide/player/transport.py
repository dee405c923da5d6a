"""The transport: a pure state machine over frame counts. Actions in (from keys, voice commands or
media buttons alike), state and position out. No audio, no devices, no threads: :func:`act` takes an
action, :func:`advance` moves ``frames`` on and says, as :mod:`~voiceguide.player.segments`, what is
to be heard over those frames; :mod:`~voiceguide.player.fades` turns that into samples.

Where a routine holds (or an early start ends) it waits; a pause or a stop fades out what was heard;
a jump cross-fades from the old place (or the hold's bed) to the new one.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum

from voiceguide.player.segments import Bed, Crossfade, FadeOut, Segment, Session, Silence
from voiceguide.routine.vocabulary import Action
from voiceguide.timeline import Timeline
from voiceguide.timeline.model import last_at_or_before

FADE_S = 0.03
QUIT_FADE_S = 0.3
BACK_GRACE_S = 3.0  # "back" within this of a step's start goes to the previous step
VOLUME_STEP_DB = 3.0
VOLUME_RANGE_DB = (-30.0, 0.0)  # 0 dB is the session's own level (already at its loudness target)

ACTIONS = tuple(  # what the transport itself acts on (the soundscape's level and help are not its)
    action
    for action in Action
    if action not in (Action.SOUNDSCAPE_LOUDER, Action.SOUNDSCAPE_SOFTER, Action.HELP)
)


class State(Enum):
    PLAYING = "playing"
    PAUSED = "paused"
    HOLDING = "waiting"
    STOPPING = "stopping"
    FINISHED = "finished"


class Cue(Enum):
    """What confirms an action by ear (the controller plays it)."""

    RISING = "rising"  # resumed, or louder
    FALLING = "falling"  # paused, or softer
    LIMIT = "limit"  # the volume is already at its end: nothing changed


@dataclass(frozen=True, slots=True)
class Layout:
    """Where things are, in frames: step starts, holds (start, end), the end, and (during an early
    start) where the audio that is ready ends."""

    rate: int
    chapter_starts: tuple[int, ...]
    holds: tuple[tuple[int, int], ...]
    total: int
    ready_until: int | None = None

    @classmethod
    def of(
        cls,
        timeline: Timeline,
        rate: int,
        total: int,
        ready_until: int | None = None,
        *,
        holds_wait: bool = True,
    ) -> Layout:
        """``holds_wait=False``: the routine's holds last their stated length (as in an export)."""
        holds = [(round(h.start_s * rate), round(h.end_s * rate)) for h in timeline.holds]
        holds = holds if holds_wait else []
        if ready_until is not None:  # wait where the early start ends
            holds = sorted([*[h for h in holds if h[0] < ready_until], (ready_until, ready_until)])
        return cls(rate, timeline.chapter_frames(rate), tuple(holds), total, ready_until)

    @property
    def fade(self) -> int:
        return round(FADE_S * self.rate)

    def chapter_at(self, position: int) -> int:
        """The index of the step that ``position`` is in: :meth:`Timeline.chapter_at`'s rule, in
        frames (a jump lands on a step's first frame, which is that step's)."""
        return last_at_or_before(self.chapter_starts, position)


@dataclass(frozen=True, slots=True)
class Transport:
    layout: Layout
    state: State = State.PLAYING
    position: int = 0
    volume_db: float = 0.0
    fade_in: int = 0  # frames of fade-in still to apply (after a resume)
    fade_out: int = 0  # frames of fade-out still to apply (pausing or quitting)
    fade_total: int = 1
    fade_source: int | None = 0  # where the fading audio comes from (None: the hold's bed)
    fade_follows: bool = True  # the position moves on with the fade ...
    fade_limit: int = 0  # ... but not past this (the next hold)
    after_fade_out: State = State.PAUSED
    jump_from: int | None = None  # a jump is pending: cross-fade from here (None: no jump)
    jump_from_bed: bool = False  # ... from the hold's bed
    hold_entry: int = 0
    hold_end: int = 0
    bed_position: int = 0
    then: int | None = None  # a jump past the early start's end, made when the rest lands
    pause_when_ready: bool = False  # paused while waiting: pause when the rest lands

    @property
    def preparing(self) -> bool:
        """Waiting where the early start ends, until the whole session lands."""
        ready = self.layout.ready_until
        return ready is not None and self.state is State.HOLDING and self.hold_entry == ready

    @property
    def finished(self) -> bool:
        return self.state is State.FINISHED


def act(t: Transport, action: str) -> tuple[Transport, Cue | None]:
    """Carry out ``action`` (one of :data:`ACTIONS`); the cue that confirms it, if any."""
    if action == "toggle":
        playing = t.state is State.PLAYING or (t.preparing and not t.pause_when_ready)
        return act(t, "pause" if playing else "continue")
    if action == "pause":
        if t.preparing:  # the rest starts by itself when it is ready: paused, if asked
            return replace(t, pause_when_ready=True), Cue.FALLING
        if t.state is State.PLAYING:
            return _start_fade(t, State.PAUSED, t.layout.fade), Cue.FALLING
        return t, None
    if action == "continue":
        if t.preparing:
            return replace(t, pause_when_ready=False), Cue.RISING
        if t.state is State.PAUSED:
            fade_in = t.layout.fade - t.fade_out  # resumed mid-fade: rise from where it was
            return replace(t, state=State.PLAYING, fade_in=fade_in, fade_out=0), Cue.RISING
        if t.state is State.HOLDING:
            return replace(_jump(t, t.hold_end), state=State.PLAYING), None
        return t, None
    if action in ("next", "back", "repeat"):
        return _jump(t, _target(t, action)), None
    if action in ("louder", "softer"):
        step = VOLUME_STEP_DB if action == "louder" else -VOLUME_STEP_DB
        low, high = VOLUME_RANGE_DB
        volume_db = min(high, max(low, t.volume_db + step))
        if volume_db == t.volume_db:
            return t, Cue.LIMIT
        return replace(t, volume_db=volume_db), None
    if action == "quit":
        return _quit(t), None
    raise ValueError(f"expected an action from {', '.join(ACTIONS)}, got '{action}'")


def _target(t: Transport, action: str) -> int:
    starts = t.layout.chapter_starts
    if not starts:
        return t.layout.total if action == "next" else 0
    if action == "next":
        index = bisect.bisect_right(starts, t.position)
        return starts[index] if index < len(starts) else t.layout.total
    index = t.layout.chapter_at(t.position)
    grace = BACK_GRACE_S * t.layout.rate
    if action == "back" and t.position - starts[index] < grace and index > 0:
        index -= 1
    return starts[index]


def _quit(t: Transport) -> Transport:
    t = replace(t, pause_when_ready=False)
    if t.state in (State.FINISHED, State.STOPPING):
        return t
    if t.state is State.PAUSED and t.fade_out == 0:
        return replace(t, state=State.FINISHED)
    return _start_fade(t, State.FINISHED, round(QUIT_FADE_S * t.layout.rate))


def _start_fade(t: Transport, then: State, frames: int) -> Transport:
    """Fade out what is heard now (the hold's bed, the place a pending jump left, or the session),
    then go to ``then``. The position moves on with the fade only when the fade plays the session
    from the current place, and never past a hold."""
    source, follows, limit = t.fade_source, t.fade_follows, t.fade_limit
    if t.state is State.HOLDING or t.jump_from_bed:
        source, follows = None, False
    elif t.jump_from is not None:
        source, follows = t.jump_from, False
    elif not t.fade_out:  # (already fading, pausing then quitting: go on from there)
        source, follows = t.position, True
        limit = next((start for start, _ in t.layout.holds if start >= t.position), t.layout.total)
    state = State.STOPPING if then is State.FINISHED else State.PAUSED
    frames = max(1, frames)
    return replace(
        t, fade_source=source, fade_follows=follows, fade_limit=limit, jump_from=None,
        jump_from_bed=False, fade_out=frames, fade_total=frames, after_fade_out=then, state=state,
    )  # fmt: skip


def _jump(t: Transport, target: int) -> Transport:
    if t.state in (State.STOPPING, State.FINISHED):
        return t  # stopping or stopped: nothing else to hear
    then = None
    ready = t.layout.ready_until
    if ready is not None and target > ready:
        then, target = target, ready  # wait where the early start ends; go on to it from there
    if t.preparing and target >= t.hold_end:
        return replace(t, then=then)  # already waiting there
    if t.state is State.HOLDING:
        if t.jump_from is None:
            t = replace(t, jump_from_bed=True)
        t = replace(t, state=State.PLAYING)
    elif t.state is State.PLAYING and not t.fade_out and not t.jump_from_bed:
        t = replace(t, jump_from=t.position if t.jump_from is None else t.jump_from)
    return replace(t, then=then, position=min(max(0, target), t.layout.total))


def land(t: Transport, layout: Layout, moved: Callable[[int], int] | None = None) -> Transport:
    """The whole session (``layout`` without ``ready_until``), or a better early start (ready
    further on), has landed: go on where it waited, to the place asked for meanwhile, paused if
    asked. ``moved`` says where a frame of the old plan is in the new one (None: the same)."""
    waiting = t.preparing
    if moved is not None:
        t = _moved(t, moved, waiting)
    then = t.then
    t = replace(t, layout=layout, then=None)
    if waiting:
        t = replace(_jump(t, t.hold_end if then is None else then), state=State.PLAYING)
        if t.pause_when_ready:
            t = _start_fade(t, State.PAUSED, layout.fade)
    elif then is not None and t.state is State.PAUSED and not t.fade_out:
        t = replace(t, position=then)  # a jump made while paused
    return replace(t, pause_when_ready=False)


def start_at(t: Transport, target: int) -> Transport:
    """Before play begins: start at ``target`` (a step, a place left last time), fading in."""
    if target <= 0:
        return t
    ready = t.layout.ready_until
    if ready is not None and target > ready:  # wait where the early start ends, then go on
        return replace(t, position=ready, then=target)
    return replace(t, position=min(target, t.layout.total), fade_in=t.layout.fade)


def _moved(t: Transport, moved: Callable[[int], int], waiting: bool) -> Transport:
    """Every place ``t`` holds, in the new plan's frames; a jump (cross-faded) where it plays on."""
    if waiting:  # waiting where the early start ended: the place asked for, moved
        return replace(t, hold_end=moved(t.hold_end), hold_entry=moved(t.hold_entry),
                       then=None if t.then is None else moved(t.then))  # fmt: skip
    target = moved(t.position)
    if target == t.position:
        return t
    if t.state is State.PLAYING and not t.fade_out and t.jump_from is None and not t.jump_from_bed:
        return replace(t, jump_from=t.position, position=target)
    return replace(
        t, position=target, hold_entry=moved(t.hold_entry), hold_end=moved(t.hold_end),
        jump_from=None if t.jump_from is None else moved(t.jump_from),
        fade_source=None if t.fade_source is None else moved(t.fade_source),
        fade_limit=moved(t.fade_limit), then=None if t.then is None else moved(t.then),
    )  # fmt: skip


def advance(t: Transport, frames: int) -> tuple[Transport, list[Segment]]:
    """Move ``frames`` on: the new transport and what is heard over those frames, in order."""
    out: list[Segment] = []
    t = _next(t, frames, out)
    return t, out


def _next(t: Transport, frames: int, out: list[Segment]) -> Transport:
    if frames <= 0:
        return t
    if t.state is State.FINISHED or (t.state is State.PAUSED and t.fade_out == 0):
        out.append(Silence(frames))
        return t
    if t.fade_out:  # pausing or stopping: what was heard, fading
        count = min(frames, t.fade_out)
        t, source = _fading(t, count)
        out.append(FadeOut(source, t.fade_out, t.fade_total))
        t = replace(t, fade_out=t.fade_out - count)
        if t.fade_out == 0:
            t = replace(t, state=t.after_fade_out)
        if count < frames:
            out.append(Silence(frames - count))
        return t
    if t.state is State.HOLDING:
        t, bed = _bed(t, frames)
        out.append(bed)
        return t
    if t.jump_from is not None or t.jump_from_bed:
        return _crossfade(t, frames, out)
    return _play(t, frames, out)


def _fading(t: Transport, count: int) -> tuple[Transport, Session | Bed]:
    if t.fade_source is None:
        return _bed(t, count)
    source = Session(t.fade_source, count)
    t = replace(t, fade_source=t.fade_source + count)
    if t.fade_follows:
        assert t.fade_source is not None
        t = replace(t, position=min(t.fade_source, t.fade_limit))  # a hold just ahead still waits
    return t, source


def _bed(t: Transport, frames: int) -> tuple[Transport, Bed]:
    bed = Bed(t.bed_position, frames, t.hold_entry)
    return replace(t, bed_position=t.bed_position + frames), bed


def _play(t: Transport, frames: int, out: list[Segment]) -> Transport:
    hold = next(((s, e) for s, e in t.layout.holds if t.position <= s < t.position + frames), None)
    count = frames if hold is None else hold[0] - t.position
    ramp_in = None
    if t.fade_in and count:
        ramp_frames = min(count, t.fade_in)
        ramp_in = (t.layout.fade - t.fade_in, ramp_frames)
        t = replace(t, fade_in=t.fade_in - ramp_frames)
    out.append(Session(t.position, count, ramp_in))
    t = replace(t, position=t.position + count)
    if hold is not None:
        t = replace(t, state=State.HOLDING, hold_end=hold[1], hold_entry=t.position)
        t = replace(t, bed_position=t.position)
        return _next(t, frames - count, out)
    if t.position >= t.layout.total:
        t = replace(t, state=State.FINISHED)
    return t


def _crossfade(t: Transport, frames: int, out: list[Segment]) -> Transport:
    """The first moments after a jump: the old place (or the hold's bed) fades out as the new place
    fades in."""
    count = min(frames, t.layout.fade)
    old: Session | Bed
    if t.jump_from_bed:
        t, old = _bed(t, count)
    else:
        assert t.jump_from is not None
        old = Session(t.jump_from, count)
    t = replace(t, jump_from=None, jump_from_bed=False)
    new: list[Segment] = []
    t = _play(t, count, new)
    out.append(Crossfade(old, tuple(new)))
    return _next(t, frames - count, out)

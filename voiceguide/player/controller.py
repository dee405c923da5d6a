"""The interactive controller: actions in (keys, voice commands, media buttons), audio frames out.
It composes the pure :mod:`~voiceguide.player.transport` (where it is and what it does) with
:mod:`~voiceguide.player.fades` (how that sounds), under one lock: actions arrive on other threads
than the audio thread that pulls. No devices, no terminal: every control is tested by feeding it.

Every change is heard and never clicks: pausing and resuming fade over 30 ms and a soft two-note
tone confirms them; jumps cross-fade over 30 ms; the volume glides; quitting fades out over 300 ms.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from voiceguide.player import transport
from voiceguide.player.fades import TRIM_GLIDE_S, Sound, confirm_tone
from voiceguide.player.feedback import (
    BED_ACTIONS,
    BED_RANGE_DB,
    BED_STEP_DB,
    HELP,
    echo,
    refusal,
    unknown_key,
)
from voiceguide.player.remap import remap
from voiceguide.player.status import Status
from voiceguide.player.transport import (
    BACK_GRACE_S,
    VOLUME_RANGE_DB,
    Cue,
    Layout,
    State,
    Transport,
)
from voiceguide.render.mix import MixRenderer
from voiceguide.routine.vocabulary import Action
from voiceguide.timeline import Timeline

T = TypeVar("T")
FULL_VOLUME_SHOWN_S = 2.0  # how long the status says "full volume" after a "+" at the top

KEYS = {
    " ": Action.TOGGLE, "space": Action.TOGGLE,
    "right": Action.NEXT, "n": Action.NEXT,
    "left": Action.BACK, "p": Action.BACK,
    "r": Action.REPEAT,
    "up": Action.LOUDER, "+": Action.LOUDER, "=": Action.LOUDER,
    "down": Action.SOFTER, "-": Action.SOFTER,
    "q": Action.QUIT, "ctrl-c": Action.QUIT, "escape": Action.QUIT,
    "]": Action.SOUNDSCAPE_LOUDER, "[": Action.SOUNDSCAPE_SOFTER, "?": Action.HELP,
}  # fmt: skip

__all__ = [
    "BACK_GRACE_S", "KEYS", "TRIM_GLIDE_S", "VOLUME_RANGE_DB", "Controller", "State", "Status",
    "Upgrade", "confirm_tone",
]  # fmt: skip


@dataclass
class Upgrade:
    """The whole session, still being prepared while an early start plays: until ``landed`` is
    set, only the frames before ``ready_until`` of what plays are right, and the player waits
    there (the bed goes on). ``failed`` is set instead if the preparation failed."""

    ready_until: int
    landed: tuple[MixRenderer, Timeline] | None = None
    failed: BaseException | None = None
    draft: tuple[MixRenderer, Timeline, int] | None = None  # a better early start: ready until

    def improve(self, renderer: MixRenderer, timeline: Timeline, ready_until: int) -> None:
        """A better early start (more of it spoken): taken if the whole session has not landed."""
        self.draft = (renderer, timeline, ready_until)

    def follow(self, future: Future[T], make: Callable[[T], tuple[MixRenderer, Timeline]]) -> None:
        """Land ``make(result)`` when ``future`` is done (built on the thread that finished it, so
        the audio thread only swaps references)."""

        def land(done: Future[T]) -> None:
            try:
                self.landed = make(done.result())
            except BaseException as error:
                self.failed = error

        future.add_done_callback(land)


class Controller:
    """Thread-safe: :meth:`handle` and :meth:`perform` are called from the key reader, the
    listener or the media controls, :meth:`pull` from the audio thread."""

    def __init__(
        self,
        renderer: MixRenderer,
        timeline: Timeline,
        upgrade: Upgrade | None = None,
        *,
        holds_wait: bool = True,
        start_s: float = 0.0,
    ) -> None:
        """``holds_wait``: a routine's hold waits for "go on" (False: it lasts its stated length,
        as in an export, when nothing could say "go on"). ``start_s``: where play begins."""
        self.rate = renderer.mix.sample_rate
        self._lock = threading.Lock()
        self._upgrade = upgrade
        self.failure: BaseException | None = None  # the upgrade failed: the player stops
        # The plan being played now: the one place the player publishes it. An early start's
        # first plan gives way to better ones (drafts, then the whole session, in _take_upgrade);
        # every reader of where the lines are (the status, the prompter, the remote page, the
        # listener's gate and reading) reads it here (or with seen()), never a plan it was given.
        self.timeline = timeline
        self._sound = Sound(renderer)
        ready = upgrade.ready_until if upgrade else None
        self._holds_wait = holds_wait
        self._start = round(start_s * self.rate)
        self._t = transport.start_at(
            Transport(self._layout(timeline, renderer, ready)), self._start
        )
        self.stopped = False  # asked to stop (a key, a command or a button), not played to the end
        self._full_volume_until = -1  # a position: "+" at the top of the range is shown until then
        self.on_change: Callable[[str], None] | None = None  # told of every control, for a display
        self.messages: list[str] = []  # for the screen: commands heard, actions refused, the keys
        self._observers: list[Callable[[str], None]] = []  # more of them (see observe)

    def holds_last_their_length(self) -> None:
        """Before play: nothing can say "go on" after all (no terminal, and the listener could
        not start), so a hold lasts its stated length, as in an export."""
        with self._lock:
            self._holds_wait = False
            ready = self._upgrade.ready_until if self._upgrade else None
            layout = self._layout(self.timeline, self._sound.renderer, ready)
            self._t = transport.start_at(Transport(layout), self._start)

    def observe(self, observer: Callable[[str], None]) -> None:
        """Tell ``observer`` of every action carried out, by any control (keys, voice, media
        buttons, the remote page), on the thread that acted, after the action took effect."""
        self._observers.append(observer)

    # -- what it is doing -----------------------------------------------------------------------
    @property
    def state(self) -> State:
        return self._t.state

    @property
    def position(self) -> int:
        return self._t.position

    @property
    def volume_db(self) -> float:
        return self._t.volume_db

    @property
    def total(self) -> int:
        return self._t.layout.total

    @property
    def renderer(self) -> MixRenderer:
        return self._sound.renderer

    @property
    def finished(self) -> bool:
        return self._t.finished

    # -- actions --------------------------------------------------------------------------------
    def handle(self, key: str) -> str | None:
        """Act on a key (``space``, ``right``, ``n``, ``q``, ...); return the action taken, if any."""
        action = KEYS.get(key)
        if action is None:
            with self._lock:
                self.messages.append(unknown_key(key))
            return None
        return self.perform(action)

    def perform(self, action: str, *, heard: bool = False) -> str:
        """Carry out one of :data:`~voiceguide.player.transport.ACTIONS`, confirmed by ear. A
        command ``heard`` (spoken) is always confirmed: one that makes no sound of its own (a
        jump, a volume step) gets the soft notes too, so the speaker knows it was understood."""
        with self._lock:
            if action == "help":
                self.messages.append(HELP)
                return action
            renderer = self._sound.renderer
            refused = refusal(
                self._t, action, bed=renderer.mix.bed is not None, bed_db=renderer.bed_db
            )
            self.stopped = self.stopped or (action == "quit" and not self._t.finished)
            if refused is not None:
                cue: Cue | None = None if action == "quit" else Cue.LIMIT  # nothing changed
            elif action in BED_ACTIONS:
                step = BED_STEP_DB if action == "soundscape-louder" else -BED_STEP_DB
                renderer.bed_db = min(BED_RANGE_DB[1], max(BED_RANGE_DB[0], renderer.bed_db + step))
                cue = Cue.RISING if step > 0 else Cue.FALLING
            else:
                self._t, cue = transport.act(self._t, action)
            if cue is None and heard and action != "quit":
                cue = Cue.FALLING if action in ("back", "repeat", "softer") else Cue.RISING
            if cue is not None:
                self._sound.cue(cue)
            if cue is Cue.LIMIT and action == "louder":
                self._full_volume_until = self._t.position + round(FULL_VOLUME_SHOWN_S * self.rate)
            message = echo(action, refused, heard=heard)
            if message is not None:
                self.messages.append(message)
        if refused is None:  # observers are told of what was done, not of what could not be
            for observer in [*([self.on_change] if self.on_change else []), *self._observers]:
                observer(action)
        return action

    def not_caught(self) -> None:
        """A spoken command not clearly understood: the "nothing changed" notes, nothing done."""
        with self._lock:
            self._sound.cue(Cue.LIMIT)
            self.messages.append("heard a command, not clearly which: nothing done, say it again")

    def take_messages(self) -> list[str]:
        """The lines to show since the last call (for the display)."""
        with self._lock:
            taken, self.messages = self.messages, []
        return taken

    def playing_at_s(self) -> float | None:
        """The position while playing; None while paused, waiting or stopped (for the listener)."""
        t = self._t
        return t.position / self.rate if t.state is State.PLAYING else None

    def position_s(self) -> float:
        """The position, playing or not (for the listener: the lines a caregiver reads there)."""
        return self._t.position / self.rate

    # -- audio ----------------------------------------------------------------------------------
    def pull(self, frames: int) -> np.ndarray:
        """The next ``frames`` frames to play, ``(frames, 2)`` float32."""
        with self._lock:
            self._take_upgrade()
            self._t, segments = transport.advance(self._t, frames)
            return self._sound.render(segments, frames, self._t.volume_db)

    def _take_upgrade(self) -> None:
        """Swap in the whole session once it is ready: the same audio up to where the early start
        ends, its level gliding to the session's over :data:`TRIM_GLIDE_S`."""
        upgrade = self._upgrade
        if upgrade is None:
            return
        if upgrade.failed is not None:
            self._upgrade, self.failure = None, upgrade.failed
            self._t, _ = transport.act(self._t, "quit")
            return
        ready: int | None = None
        if upgrade.landed is not None:
            (renderer, timeline), self._upgrade = upgrade.landed, None
        elif upgrade.draft is not None and upgrade.draft[2] > upgrade.ready_until:
            renderer, timeline, ready = upgrade.draft
            upgrade.ready_until = ready
        else:
            return
        moved = remap(self.timeline, timeline)
        renderer.bed_db = self._sound.renderer.bed_db  # the listener's soundscape level stays
        self._sound.swap(renderer)
        self.timeline = timeline
        layout = self._layout(timeline, renderer, ready)
        frames = None if moved is None else (lambda at: round(moved(at / self.rate) * self.rate))
        self._t = transport.land(self._t, layout, frames)

    def _layout(self, timeline: Timeline, renderer: MixRenderer, ready: int | None) -> Layout:
        total = renderer.total_frames
        return Layout.of(timeline, self.rate, total, ready, holds_wait=self._holds_wait)

    # -- what to show ---------------------------------------------------------------------------
    def seen(self) -> tuple[Status, Timeline]:
        """Where the player is, and the plan that position is in, read together (a plan that
        lands in between cannot pair one plan's position with another's lines)."""
        with self._lock:
            t, timeline = self._t, self.timeline
            full = t.position < self._full_volume_until
        return self._status(t, timeline, full), timeline

    def status(self) -> Status:
        return self.seen()[0]

    def _status(self, t: Transport, timeline: Timeline, full: bool) -> Status:
        position_s = t.position / self.rate
        index = t.layout.chapter_at(t.position)
        chapter = timeline.chapters[index] if timeline.chapters else None
        title = chapter.title if chapter else timeline.title
        start_s = chapter.start_s if chapter else 0.0
        return Status(
            t.state, position_s, title, max(0.0, position_s - start_s),
            timeline.total_s - position_s, t.volume_db, t.preparing, index, full,
            soundscape_db=self._sound.renderer.bed_db,
        )  # fmt: skip

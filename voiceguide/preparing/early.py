"""An early start: playing at once, laid out from the lines spoken so far and an estimate of the
others, while the rest is spoken in the background; better drafts as the lines arrive, then the
whole session. This room owns the background threads; the player takes each draft and
:attr:`EarlyStart.final` when they are done."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from voiceguide.preparing.assemble import assemble, first_start, load_bed
from voiceguide.preparing.model import Progress, Session, SessionOptions
from voiceguide.preparing.pipeline import prepare, whole
from voiceguide.preparing.settings import Settings, resolve
from voiceguide.preparing.voicing import Voicing, speak, voicing
from voiceguide.routine import Routine
from voiceguide.timeline import Line

if TYPE_CHECKING:
    from voiceguide.sound.beds import Bed
    from voiceguide.speech import Samples

T = TypeVar("T")
LEVEL_SPAN_S = 120.0  # an early start's level is measured on at most this much of its start


class NotNeededError(Exception):
    """The early start is not needed any more: speaking stops after the clip it is on."""


class Drafts:
    """Better early starts as the lines are spoken (each ready further on), for the player."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._latest: tuple[Session, float] | None = None
        self._follower: Callable[[Session, float], None] | None = None
        self.closed = threading.Event()
        self.threads: list[threading.Thread] = []  # the speaking and drafting, to wait for

    def close(self, wait_s: float) -> None:
        self.closed.set()
        deadline = time.monotonic() + wait_s
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def offer(self, session: Session, ready_until_s: float) -> None:
        with self._lock:
            self._latest, follower = (session, ready_until_s), self._follower
        if follower is not None:
            follower(session, ready_until_s)

    def follow(self, follower: Callable[[Session, float], None]) -> None:
        """``follower(session, ready_until_s)`` for every draft, the latest one at once."""
        with self._lock:
            self._follower, latest = follower, self._latest
        if latest is not None:
            follower(*latest)


@dataclass(frozen=True, slots=True)
class EarlyStart:
    """A session that can start playing before all of it is spoken.

    ``session`` is laid out from every line spoken so far and an estimate of the length of each
    line not yet spoken (a silent placeholder): it can be played up to ``ready_until_s``, where
    the first of those would start. ``drafts`` offers better ones as lines are spoken; ``final``
    becomes the whole session, exactly as :func:`prepare` makes it (from the cache). Without
    ``--minutes`` a draft is exact up to its ``ready_until_s``; with it, every silence depends on
    every line, and the player moves to the same place in the better plan.
    """

    session: Session
    ready_until_s: float
    final: Future[Session]
    drafts: Drafts = field(default_factory=Drafts)

    def stop(self, wait_s: float = 3.0) -> None:
        """Not needed any more (the player stopped): speak no more, draft no more, and wait a
        moment for the threads doing so (a process that exits under them may crash)."""
        self.final.cancel()
        self.drafts.close(wait_s)


def prepare_to_play(
    routine: Routine, options: SessionOptions = SessionOptions(), progress: Progress | None = None
) -> Session | EarlyStart:
    """The whole session when its lines are cached; otherwise an early start that can play at
    once (its opening, then each line as it is spoken), the rest spoken in the background. When
    even estimated lengths cannot be laid out (a ``--minutes`` too short, say), every line is
    spoken first, so the error says exactly what is needed."""
    from voiceguide.clips import cached_clips
    from voiceguide.errors import VoiceguideError

    settings = resolve(routine, options)
    bedding = in_background(lambda: load_bed(settings), name="voiceguide-soundscape")
    try:  # (the soundscape is decoded and measured on the other core meanwhile)
        voiced = voicing(routine, settings)
        spoken = [line for line in voiced.lines if line.recording is None]
        clips = cached_clips(
            voiced.choice.engine, voiced.voice, spoken, voiced.cache,
            sample_rate=settings.sample_rate,
        )  # fmt: skip
    except VoiceguideError:
        bedding.result()  # a soundscape's mistake is said first, as without the thread
        raise
    bed = bedding.result()
    recorded = [line for line in voiced.lines if line.recording is not None]
    clips.update(speak(routine, settings, voiced, recorded, None))
    pending = [line for line in voiced.lines if line not in clips]
    if not pending:  # nothing left to speak: this is the whole session
        return whole(routine, settings, voiced, bed, clips)

    def draft(known: Mapping[Line, Samples]) -> tuple[Session, float]:
        return draft_session(routine, settings, voiced, bed, known)

    try:
        session, ready_until_s = draft(clips)
    except VoiceguideError:
        clips.update(speak(routine, settings, voiced, pending, progress))
        return whole(routine, settings, voiced, bed, clips)
    drafts = Drafts()

    def speak_the_rest() -> Session:
        drafter = Drafter(draft, drafts, ready_until_s)
        try:
            speak(routine, settings, voiced, pending, progress, arrived=drafter.offer)
        finally:
            drafter.stop()
        if drafts.closed.is_set():
            raise NotNeededError
        return prepare(routine, options)  # from the cache: the session an export makes

    final = in_background(speak_the_rest, drafts.threads)
    return EarlyStart(session, ready_until_s, final, drafts)


def draft_session(
    routine: Routine,
    settings: Settings,
    voiced: Voicing,
    bed: Bed | None,
    known: Mapping[Line, Samples],
) -> tuple[Session, float]:
    """A session from the clips ``known`` and silent placeholders as long as the others are
    expected to last; and where the first placeholder starts."""
    import numpy

    pending = {line for line in voiced.lines if line not in known}
    per_word_s = seconds_per_word(known, voiced.voice.rate_wpm, settings.sample_rate)
    placeholders = {
        line: numpy.zeros(round(estimate_s(line, per_word_s) * settings.sample_rate), numpy.float32)
        for line in pending
    }
    session = assemble(
        routine, settings, voiced, bed, {**known, **placeholders}, pending=pending,
        level_span_s=LEVEL_SPAN_S,
    )  # fmt: skip
    return session, first_start(session.timeline, pending) if pending else session.timeline.total_s


def seconds_per_word(known: Mapping[Line, Samples], rate_wpm: int, sample_rate: int) -> float:
    """Measured on the spoken lines known (at their own pace); the voice's rate before any."""
    spoken = [(line, clip) for line, clip in known.items() if line.recording is None]
    words = sum(_words(line) * line.rate_scale for line, _ in spoken)
    if words < 5:
        return 60.0 / rate_wpm
    return sum(len(clip) for _, clip in spoken) / sample_rate / words


def estimate_s(line: Line, per_word_s: float) -> float:
    """How long ``line`` will last once spoken (a slower line for a lower ``rate_scale``)."""
    return _words(line) * per_word_s / line.rate_scale


def _words(line: Line) -> int:
    return max(1, len(line.text.split()))


class Drafter:
    """Drafts made on a thread of their own from the latest clips (speaking goes on meanwhile):
    one is offered only when it is ready further on than the last."""

    def __init__(
        self,
        make: Callable[[Mapping[Line, Samples]], tuple[Session, float]],
        drafts: Drafts,
        ready_until_s: float,
    ) -> None:
        self.make, self.drafts, self.ready_until_s = make, drafts, ready_until_s
        self._wake = threading.Condition()
        self._latest: dict[Line, Samples] | None = None
        self._stopped = False
        self._seen = -1
        thread = threading.Thread(target=self._run, name="voiceguide-drafts", daemon=True)
        drafts.threads.append(thread)
        thread.start()

    def offer(self, clips: dict[Line, Samples]) -> None:
        if self.drafts.closed.is_set():
            raise NotNeededError
        with self._wake:
            self._latest = clips
            self._wake.notify()

    def stop(self) -> None:
        with self._wake:
            self._stopped = True
            self._wake.notify()

    def _run(self) -> None:
        from voiceguide.errors import VoiceguideError

        while True:
            with self._wake:
                while self._latest is None and not self._stopped:
                    self._wake.wait(0.1)
                    if self.drafts.closed.is_set():
                        return
                if self._stopped:
                    return
                clips, self._latest = self._latest, None
            if clips is None or len(clips) == self._seen:
                continue
            self._seen = len(clips)
            try:
                session, ready_until_s = self.make(clips)
            except VoiceguideError:  # the whole session will say what is wrong
                continue
            if ready_until_s > self.ready_until_s:
                self.ready_until_s = ready_until_s
                self.drafts.offer(session, ready_until_s)


def in_background(
    work: Callable[[], T],
    threads: list[threading.Thread] | None = None,
    name: str = "voiceguide-prepare",
) -> Future[T]:
    """``work()`` on a daemon thread (a player stopped early does not wait for it); cancelling
    the future before the thread starts skips the work."""
    future: Future[T] = Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(work())
        except BaseException as error:  # handed to whoever waits on the future
            future.set_exception(error)

    thread = threading.Thread(target=run, name=name, daemon=True)
    if threads is not None:
        threads.append(thread)
    thread.start()
    return future

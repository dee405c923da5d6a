"""An early start: the first lines spoken and playing while the rest is spoken in the background.
This room owns the background thread; the player takes :attr:`EarlyStart.final` when it is done."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING

from voiceguide.preparing.assemble import assemble, first_start, load_bed
from voiceguide.preparing.model import Progress, Session, SessionOptions
from voiceguide.preparing.pipeline import prepare, whole
from voiceguide.preparing.settings import resolve
from voiceguide.preparing.voicing import refuse_silent_lines, speak, voicing
from voiceguide.routine import Routine
from voiceguide.timeline import Line

if TYPE_CHECKING:
    from voiceguide.speech import Samples

EARLY_WORDS = 30  # an early start speaks the first lines, this many words or more, then plays


@dataclass(frozen=True, slots=True)
class EarlyStart:
    """A session that can start playing before all of it is spoken.

    ``session`` is exact up to ``ready_until_s``, where the first line not yet spoken would start:
    the first few lines are spoken, the rest are silent placeholders, and the master gain is
    measured on what comes before that point. ``final`` becomes the whole session, exactly as
    :func:`prepare` makes it (the lines already spoken come from the cache).
    """

    session: Session
    ready_until_s: float
    final: Future[Session]


def prepare_to_play(
    routine: Routine, options: SessionOptions = SessionOptions(), progress: Progress | None = None
) -> Session | EarlyStart:
    """The whole session when its lines are cached (or when ``minutes`` needs every line's length
    to lay out the first one); otherwise an early start, with the rest spoken in the background."""
    from voiceguide.clips import cached_clips

    settings = resolve(routine, options)
    bed = load_bed(settings)
    voiced = voicing(routine, settings)
    spoken = [line for line in voiced.lines if line.recording is None]
    cached = cached_clips(
        voiced.choice.engine, voiced.voice, spoken, voiced.cache, sample_rate=settings.sample_rate
    )
    if settings.target_s.value is None:
        now = early_lines(voiced.lines, cached)
    else:
        now = [line for line in voiced.lines if line not in cached]
    clips = {**cached, **speak(routine, settings, voiced, now, progress)}
    pending = {line for line in voiced.lines if line not in clips}
    if not pending:  # nothing left to speak: this is the whole session
        return whole(routine, settings, voiced, bed, clips)
    refuse_silent_lines(routine, clips, voiced.recordings)
    import numpy

    silent = numpy.zeros(0, dtype=numpy.float32)  # a placeholder: plays nothing, takes no time
    draft = assemble(
        routine, settings, voiced, bed, {**clips, **dict.fromkeys(pending, silent)},
        pending=pending,
    )  # fmt: skip
    ready_until_s = first_start(draft.timeline, pending)
    return EarlyStart(draft, ready_until_s, in_background(lambda: prepare(routine, options)))


def early_lines(lines: Sequence[Line], cached: Mapping[Line, Samples]) -> list[Line]:
    """The first lines up to :data:`EARLY_WORDS` words not yet cached, and the recorded ones."""
    chosen: list[Line] = []
    words = 0
    for line in lines:
        if line.recording is not None or line in cached:
            continue
        if words >= EARLY_WORDS:
            break
        chosen.append(line)
        words += len(line.text.split())
    return chosen + [line for line in lines if line.recording is not None]


def in_background(work: Callable[[], Session]) -> Future[Session]:
    """``work()`` on a daemon thread (a player stopped early does not wait for it); cancelling
    the future before the thread starts skips the work."""
    future: Future[Session] = Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(work())
        except BaseException as error:  # handed to whoever waits on the future
            future.set_exception(error)

    threading.Thread(target=run, name="voiceguide-prepare", daemon=True).start()
    return future

"""The player's front door: take the sound device (or say at once that there is none), prepare a
routine with the keys already live (an early start when its lines are not cached yet), play it
from where it was asked to start, and say in one line how it ended."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace

from voiceguide import api
from voiceguide.pace import Lines, Pace
from voiceguide.player.backends import Backend, open_backend
from voiceguide.player.controller import Upgrade
from voiceguide.player.keys import terminal_keys
from voiceguide.player.places import Resuming
from voiceguide.player.play import PlayOptions, PlayReport, play
from voiceguide.player.preparing import prepare_live
from voiceguide.render.mix import CHANNELS, MixRenderer
from voiceguide.routine import Routine
from voiceguide.timeline import Timeline

Tell = Callable[[api.Session, str], None]  # the session prepared, and what its level measured
Start = Callable[[Timeline], float]  # where to begin in the session's plan, in seconds


def play_routine(
    routine: Routine,
    options: api.SessionOptions,
    play_options: PlayOptions,
    tell: Tell,
    resuming: Resuming | None = None,
) -> PlayReport:
    """Play ``routine`` until its end, a stop or Ctrl-C (then ``interrupted`` is set), from where
    ``resuming`` says (the start without it), and remember where it stopped."""
    if routine.listen:  # the routine asks for voice commands (as --listen)
        play_options = replace(play_options, listen=True)
    start, where = resuming.start(routine) if resuming else (None, "")
    backend, why = open_backend(play_options.backend)
    backend.open(options.sample_rate, CHANNELS)  # no device: said before any work

    def told(session: api.Session, early_s: str) -> None:
        tell(session, early_s)
        if where:
            _say(where)

    try:
        report = _prepare_and_play(routine, options, play_options, told, start, (backend, why))
    finally:
        backend.stop()  # (again, after play: stopping twice is nothing)
    if resuming is not None and report.backend:
        resuming.remember(report.place, report.completed)
    return report


def _prepare_and_play(
    routine: Routine,
    options: api.SessionOptions,
    play_options: PlayOptions,
    tell: Tell,
    start: Start | None,
    opened: tuple[Backend, str],
) -> PlayReport:
    out = sys.stderr
    behind = Pace()  # the lines still spoken once play has begun, for the status line
    lines = Lines(_say, f"preparing {routine.title}: ")

    def renderer(session: api.Session, *, now: bool = True) -> tuple[MixRenderer, Timeline]:
        """The session's renderer, its tones made on this thread (``now``: a better plan's, on
        the thread that made it) or later (the first plan's: play makes them once the sound has
        begun, so that the first sound does not wait for a chime heard minutes later)."""
        made = MixRenderer(session.mix, voice=not play_options.prompter)
        if now:
            made.make_cues()
        return made, session.timeline

    def prepare(progress: api.Progress) -> api.Session | api.EarlyStart:
        def both(stage: str, done: int, total: int) -> None:
            progress(stage, done, total)
            behind.update(stage, done, total)
            if began and not out.isatty():
                lines(stage, done, total)  # one line a step, for a log

        return api.prepare_to_play(routine, options, progress=both)

    began: list[bool] = []
    with terminal_keys() as reader:
        first, keys = prepare_live(prepare, reader, out, routine.title)
        if first is None:  # stopped while preparing: what is being spoken is not needed
            _stop_speaking()
            return PlayReport("", "", "", False, closing="stopped before play began")
        began.append(True)
        upgrade, unfinished, early = None, None, ""
        if isinstance(first, api.EarlyStart):
            session, unfinished = first.session, first.final
            rate = session.mix.sample_rate
            upgrade = Upgrade(round(first.ready_until_s * rate))
            first.drafts.follow(
                lambda draft, ready_s: upgrade.improve(*renderer(draft), round(ready_s * rate))
            )
            upgrade.follow(first.final, renderer)
            early = f"{first.ready_until_s:.2f}"
        else:
            session = first
        tell(session, early)
        start_s = start(session.timeline) if start else 0.0
        try:
            report = play(
                *renderer(session, now=False), play_options, upgrade=upgrade, reader=reader, keys=keys,
                opened=opened, start_s=start_s, note=_still(behind) if upgrade else None,
            )  # fmt: skip
        finally:
            if unfinished is not None and not unfinished.done():
                _stop_speaking()  # stopped early: what is still being spoken is not needed
            if isinstance(first, api.EarlyStart):
                first.stop()
    return replace(report, early_s=early)


def _still(pace: Pace) -> Callable[[], str]:
    """How the speaking goes while it goes on (nothing once every line is spoken)."""
    return lambda: pace.short() if pace.done < pace.total else ""


def _say(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def _stop_speaking() -> None:
    from voiceguide.speech.worker import Zygote

    Zygote.shut_down()

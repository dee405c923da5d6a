"""The player's front door: prepare a routine with the keys already live (an early start when
its lines are not cached yet), play it, and say in one line how it ended."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace

from voiceguide import api
from voiceguide.player.controller import Upgrade
from voiceguide.player.keys import terminal_keys
from voiceguide.player.play import PlayOptions, PlayReport, play
from voiceguide.player.preparing import prepare_live
from voiceguide.render.mix import MixRenderer
from voiceguide.routine import Routine
from voiceguide.timeline import Timeline

Tell = Callable[[api.Session, str], None]  # the session prepared, and what its level measured


def play_routine(
    routine: Routine, options: api.SessionOptions, play_options: PlayOptions, tell: Tell
) -> PlayReport:
    """Play ``routine`` until its end, a stop or Ctrl-C (then ``interrupted`` is set)."""
    prompter = play_options.prompter
    if routine.listen:  # the routine asks for voice commands (as --listen)
        play_options = replace(play_options, listen=True)

    def renderer(session: api.Session) -> tuple[MixRenderer, Timeline]:
        return MixRenderer(session.mix, voice=not prompter), session.timeline

    def prepare(progress: api.Progress) -> api.Session | api.EarlyStart:
        if prompter:  # the caregiver reads every line in time: the whole timeline is needed first
            return api.prepare(routine, options, progress=progress)
        return api.prepare_to_play(routine, options, progress=progress)

    with terminal_keys() as reader:
        start, keys = prepare_live(prepare, reader, sys.stderr, routine.title)
        if start is None:  # stopped while preparing: what is being spoken is not needed
            _stop_speaking()
            return PlayReport("", "", "", False, closing="stopped before play began")
        upgrade, unfinished, early = None, None, ""
        if isinstance(start, api.EarlyStart):
            session, unfinished = start.session, start.final
            upgrade = Upgrade(round(start.ready_until_s * session.mix.sample_rate))
            upgrade.follow(start.final, renderer)
            early = f"{start.ready_until_s:.2f}"
        else:
            session = start
        tell(session, early)
        try:
            report = play(
                *renderer(session), play_options, upgrade=upgrade, reader=reader, keys=keys
            )
        finally:
            if unfinished is not None and not unfinished.done():
                _stop_speaking()  # stopped early: what is still being spoken is not needed
    return replace(report, early_s=early)


def _stop_speaking() -> None:
    from voiceguide.speech.worker import Zygote

    Zygote.shut_down()

"""Playing a session: a backend pulls audio from the controller while keys are read and the status
is shown; on every way out the device is closed and the terminal restored."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import TextIO

from voiceguide.player import mpris
from voiceguide.player.backends import open_backend
from voiceguide.player.controller import Controller, Upgrade
from voiceguide.player.display import Prompter, StatusLine
from voiceguide.player.keys import terminal_keys
from voiceguide.render.mix import CHANNELS, MixRenderer
from voiceguide.timeline import Timeline

TICK_S = 0.05


@dataclass(frozen=True, slots=True)
class PlayOptions:
    backend: str | None = None
    quiet: bool = False
    prompter: bool = False
    media_buttons: bool = True  # register as an MPRIS player on the session D-Bus (Linux)


@dataclass(frozen=True, slots=True)
class PlayReport:
    backend: str
    device: str
    why: str
    completed: bool  # played to the end (not stopped by a key)
    media_buttons: str = ""  # whether the media buttons (MPRIS) were registered, or why not


def play(
    mix_renderer: MixRenderer,
    timeline: Timeline,
    options: PlayOptions,
    *,
    stream: TextIO | None = None,
    upgrade: Upgrade | None = None,
) -> PlayReport:
    """Play until the end, or until ``q`` / Ctrl-C (which fade out). With ``upgrade``, what plays
    is an early start, and the whole session takes over when it lands."""
    out = stream or sys.stderr
    controller = Controller(mix_renderer, timeline, upgrade)
    backend, why = open_backend(options.backend)
    display: StatusLine | Prompter | None = None
    if options.prompter:
        display = Prompter(out, timeline)
    elif not options.quiet and out.isatty():
        display = StatusLine(out)
    media, media_why = (
        mpris.start(controller, timeline.title) if options.media_buttons else (None, "")
    )
    with terminal_keys() as reader:
        backend.start(controller.pull, mix_renderer.mix.sample_rate, CHANNELS)
        try:
            while not controller.finished and backend.alive:
                try:
                    key = reader.read(TICK_S) if reader else _sleep(TICK_S)
                except KeyboardInterrupt:  # Ctrl-C when stdin is not a terminal
                    key = "ctrl-c"
                if key:
                    controller.handle(key)
                if display:
                    display.show(controller.status())
            time.sleep(0.15)  # let the device play out its last buffer (the fade's end)
        finally:
            backend.stop()
            if media is not None:
                media.stop()
            if display:
                display.close()
    if controller.failure is not None:
        raise controller.failure
    return PlayReport(backend.name, backend.device, why, not controller.stopped, media_why)


def _sleep(seconds: float) -> str | None:
    """No terminal to read keys from: wait a tick (Ctrl-C still arrives as KeyboardInterrupt)."""
    time.sleep(seconds)
    return None

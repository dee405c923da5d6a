"""Playing a session: a backend pulls audio from the controller while keys are read (and media
buttons and voice commands heard) and the status is shown; on every way out the device is closed,
the media buttons released and the terminal restored."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TextIO

from voiceguide.player import mpris, phone
from voiceguide.player.backends import Backend, open_backend, quiet_stderr
from voiceguide.player.controller import Controller, Upgrade
from voiceguide.player.display import KEY_HINT, Prompter, StatusLine
from voiceguide.player.keys import KeyReader
from voiceguide.player.places import Place, place_in
from voiceguide.player.status import Status
from voiceguide.render.mix import CHANNELS, MixRenderer
from voiceguide.timeline import Timeline

TICK_S = 0.05


@dataclass(frozen=True, slots=True)
class PlayOptions:
    backend: str | None = None
    quiet: bool = False
    prompter: bool = False
    media_buttons: bool = True  # register as an MPRIS player on the session D-Bus (Linux)
    listen: bool = False  # voice commands from the microphone
    remote: str | None = None  # the remote page: "local" (this machine) or "lan" (player.phone)


@dataclass(frozen=True, slots=True)
class PlayReport:
    backend: str
    device: str
    why: str
    completed: bool  # played to the end (not stopped by a key)
    media_buttons: str = ""  # whether the media buttons (MPRIS) were registered, or why not
    closing: str = "finished"  # one line: "finished", or "stopped at <step>, m:ss in"
    interrupted: bool = False  # stopped by Ctrl-C (the shell expects exit code 130)
    early_s: str = ""  # an early start: the seconds ready when play began
    place: Place | None = None  # where it was stopped, for --resume (None: played to the end)


def play(
    mix_renderer: MixRenderer,
    timeline: Timeline,
    options: PlayOptions,
    *,
    reader: KeyReader | None,
    stream: TextIO | None = None,
    upgrade: Upgrade | None = None,
    keys: Sequence[str] = (),
    opened: tuple[Backend, str] | None = None,
    start_s: float = 0.0,
    note: Callable[[], str] | None = None,
) -> PlayReport:
    """Play until the end, or until ``q`` / Ctrl-C (which fade out). With ``upgrade``, what plays
    is an early start, and the whole session takes over when it lands. ``keys`` were pressed
    before play began. A hold waits for a key only when there is a terminal to press one on;
    otherwise it lasts its stated length, as in an export. ``opened``: the device, already taken;
    ``start_s``: where to begin; ``note()``: how the speaking still going on goes (or "")."""
    out = stream or sys.stderr
    holds_wait = reader is not None or options.listen or bool(options.remote)  # can say "go on"
    controller = Controller(mix_renderer, timeline, upgrade, holds_wait=holds_wait, start_s=start_s)
    backend, why = opened or open_backend(options.backend)
    display: StatusLine | Prompter | None = None
    if options.prompter:
        display = Prompter(out, timeline)
    elif not options.quiet and out.isatty():
        display = StatusLine(out)
        out.write(KEY_HINT + "\n")
    media, media_why = (
        mpris.start(controller, timeline.title) if options.media_buttons else (None, "")
    )
    listener = None
    if options.listen:
        from voiceguide.listen.listener import start_listening

        texts = [event.text for event in timeline.events]
        with quiet_stderr():  # libasound's probing noise
            listener, line = start_listening(
                controller, lambda: controller.timeline, voice=not options.prompter, texts=texts,
                tell=lambda gone: out.write(gone + "\n"),
            )  # fmt: skip
        if listener is None and reader is None and not options.remote:
            controller.holds_last_their_length()  # nothing can say "go on" after all
            line += "; with no terminal either, a hold lasts its stated length"
        elif listener is None:
            line += "; the keys work as always"
        out.write(line + "\n")
    interrupted = False
    page = None
    try:
        if options.remote:  # the phone's page: play begins when it opens (or at a key)
            page = phone.open_page(controller, timeline, options.remote, out)
            stop_key = phone.wait_for_page(page, reader)
            keys = [*keys, stop_key] if stop_key else keys
            interrupted = stop_key == "ctrl-c"
        backend.start(controller.pull, mix_renderer.mix.sample_rate, CHANNELS)
        threading.Thread(  # the breath tones and chimes, now that the sound has begun
            target=mix_renderer.make_cues, name="voiceguide-cues", daemon=True
        ).start()
        for key in keys:
            controller.handle(key)
        while not controller.finished and backend.alive:
            try:
                pressed = reader.read(TICK_S) if reader else _sleep(TICK_S)
            except KeyboardInterrupt:  # Ctrl-C when stdin is not a terminal
                pressed = "ctrl-c"
            if pressed:
                interrupted = interrupted or (pressed == "ctrl-c" and not controller.finished)
                controller.handle(pressed)
            _show_messages(controller.take_messages(), display, None if options.quiet else out)
            if display:
                display.show(_status(controller, display, note))
        time.sleep(0.15)  # let the device play out its last buffer (the fade's end)
    finally:
        backend.stop()
        if page is not None:
            page.stop()
        if media is not None:
            media.stop()
        if listener is not None:
            listener.stop()
        if display:
            display.close()
    if controller.failure is not None:
        raise controller.failure
    status = controller.status()
    closing = "finished" if not controller.stopped else _stopped_at(status)
    place = place_in(controller.timeline, status.position_s) if controller.stopped else None
    return PlayReport(
        backend.name, backend.device, why, not controller.stopped, media_why, closing, interrupted,
        place=place,
    )  # fmt: skip


def _status(
    controller: Controller, display: StatusLine | Prompter, note: Callable[[], str] | None
) -> Status:
    """The status to show; the prompter follows the plan as better drafts land."""
    status, timeline = controller.seen()
    if isinstance(display, Prompter):
        display.follow(timeline)
    return replace(status, note=note()) if note else status


def _stopped_at(status: Status) -> str:
    return f"stopped at {status.chapter_title}, {status.clock()}"


def _show_messages(
    messages: list[str], display: StatusLine | Prompter | None, out: TextIO | None
) -> None:
    """Commands heard, actions refused, the keys: on the display, else one line each."""
    for message in messages:
        if display is not None:
            display.note(message)
        elif out is not None:
            out.write(message + "\n")
            out.flush()


def _sleep(seconds: float) -> str | None:
    """No terminal to read keys from: wait a tick (Ctrl-C still arrives as KeyboardInterrupt)."""
    time.sleep(seconds)
    return None

"""``play --remote``: the remote page for this session (voiceguide.remote), its link shown as text
and as a QR code, and the wait before play begins, so the phone is ready before the first word:
play begins when the page is opened, or at a key (q stops)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, TextIO

from voiceguide.player.controller import Controller
from voiceguide.player.keys import KeyReader
from voiceguide.timeline import Timeline

if TYPE_CHECKING:  # the web server is imported only when the page is asked for
    from voiceguide.remote import RemotePage

STOP_KEYS = ("q", "ctrl-c", "escape")
TICK_S = 0.05


def open_page(controller: Controller, timeline: Timeline, mode: str, out: TextIO) -> RemotePage:
    """Serve the page and show its link; ``mode`` is one of :data:`voiceguide.routine.vocabulary.REMOTE_MODES`."""
    from voiceguide.remote import start_remote

    page = start_remote(controller, timeline, lan=mode == "lan")
    where = "on this network" if mode == "lan" else "on this machine"
    out.write(f"remote page ({where}): {page.url}\n{page.qr()}")
    out.write("play begins when the page opens (or press space; q stops)\n")
    out.flush()
    return page


def wait_for_page(page: RemotePage, reader: KeyReader | None) -> str | None:
    """Wait until the page is opened or a key is pressed; a key that stops, if one was."""
    while not page.connected.is_set():
        try:
            pressed = reader.read(TICK_S) if reader else _sleep(TICK_S)
        except KeyboardInterrupt:
            pressed = "ctrl-c"
        if pressed:
            return pressed if pressed in STOP_KEYS else None
    return None


def _sleep(seconds: float) -> str | None:
    """No terminal: no key (Ctrl-C arrives as KeyboardInterrupt)."""
    time.sleep(seconds)
    return None

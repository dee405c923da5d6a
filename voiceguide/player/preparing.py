"""While a session is prepared (speech, ``--minutes`` fitting): the screen says so with progress,
``q`` / Ctrl-C stop at once, and any other key is kept for the player (never echoed, never lost).
The work runs on a helper thread; this thread watches the keys."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable
from typing import TextIO, TypeVar

from voiceguide.pace import Lines, Pace
from voiceguide.player.display import CLEAR_LINE
from voiceguide.player.keys import KeyReader

T = TypeVar("T")
TICK_S = 0.05
STOP_KEYS = ("q", "escape")
Progress = Callable[[str, int, int], None]  # (stage, done, total), as the api reports it


def prepare_live(
    work: Callable[[Progress], T], reader: KeyReader | None, out: TextIO, title: str
) -> tuple[T | None, list[str]]:
    """``work(progress)``'s result and the keys pressed meanwhile; None for the result when ``q``
    or Escape stopped it. Ctrl-C (a key on a terminal, a signal otherwise) raises
    KeyboardInterrupt. Either acts at once: the work is left behind on its thread."""
    outcome: list[T] = []
    failure: list[BaseException] = []
    stage: list[tuple[str, int, int]] = []

    def run() -> None:
        try:
            outcome.append(work(lambda name, done, total: stage.append((name, done, total))))
        except BaseException as error:
            failure.append(error)

    thread = threading.Thread(target=run, name="voiceguide-prepare", daemon=True)
    thread.start()
    keys: list[str] = []
    shown = ""
    terminal = out.isatty()
    pace = Pace()
    lines = Lines(lambda text: _write(out, text + "\n"), f"preparing {title}: ")
    try:
        while thread.is_alive():
            key = reader.read(TICK_S) if reader else _wait(thread)
            if key == "ctrl-c":
                raise KeyboardInterrupt
            if key in STOP_KEYS:
                return None, keys
            if key:
                keys.append(key)
            if stage and not terminal:
                lines(*stage[-1])  # one line a step, for a log
            elif terminal:
                if stage:
                    pace.update(*stage[-1])
                line = _line(title, pace, _columns(out))
                if line != shown:
                    out.write(CLEAR_LINE + line)
                    out.flush()
                    shown = line
    finally:
        if shown:
            out.write(CLEAR_LINE)
            out.flush()
    if failure:
        raise failure[0]
    return outcome[0], keys


def _columns(out: TextIO) -> int:
    """The width of the terminal the line is drawn on (its own size first: a COLUMNS left in the
    environment by whatever started the player may be another terminal's)."""
    try:
        return os.get_terminal_size(out.fileno()).columns or 80
    except (OSError, ValueError):
        return shutil.get_terminal_size((80, 24)).columns


def _wait(thread: threading.Thread) -> str | None:
    thread.join(TICK_S)  # (a signal's KeyboardInterrupt arrives here)
    return None


def _write(out: TextIO, text: str) -> None:
    out.write(text)
    out.flush()


def _line(title: str, pace: Pace, columns: int) -> str:
    """One line that fits the terminal (a wrapped one could not be cleared)."""
    progress = f": {pace.text()}" if pace.stage else ""
    line = f"preparing {title}{progress}  (q: stop)"
    width = max(1, columns - 1)
    return line if len(line) <= width else line[: width - 1] + "…"

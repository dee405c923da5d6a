"""Reading single keys from the terminal without Enter, and always giving the terminal back.

In raw-ish (cbreak) mode with echo off and the cursor hidden; restored on every way out: normal
end, an exception, Ctrl-C (read as a key), SIGTERM and SIGHUP (turned into exceptions by the CLI).
"""

from __future__ import annotations

import os
import re
import select
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

_SEQUENCES = {
    "\x1b[A": "up", "\x1b[B": "down", "\x1b[C": "right", "\x1b[D": "left",
    "\x1bOA": "up", "\x1bOB": "down", "\x1bOC": "right", "\x1bOD": "left",
    " ": "space", "\x03": "ctrl-c", "\x1b": "escape",
}  # fmt: skip
HIDE_CURSOR, SHOW_CURSOR = "\x1b[?25l", "\x1b[?25h"
ESCAPE_WAIT_S = 0.05
_ESCAPE_SEQUENCE = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|O[ -~])")


class KeyReader:
    """Keys from a file descriptor: ``read(timeout_s)`` gives a key name, or None."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._pending = ""

    def read(self, timeout_s: float) -> str | None:
        if not self._pending and not self._more(timeout_s):
            return None
        if self._pending == "\x1b":
            self._more(
                ESCAPE_WAIT_S
            )  # an escape sequence split over two reads (slow links): read on
        for sequence in sorted(_SEQUENCES, key=len, reverse=True):
            if self._pending.startswith(sequence) and (
                sequence != "\x1b" or len(self._pending) == 1
            ):
                self._pending = self._pending[len(sequence) :]
                return _SEQUENCES[sequence]
        unknown = _ESCAPE_SEQUENCE.match(self._pending)
        if unknown:  # a function key or the like: swallowed whole, never read as letters
            self._pending = self._pending[unknown.end() :]
            return None
        key, self._pending = self._pending[0], self._pending[1:]
        return key.lower()

    def _more(self, timeout_s: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout_s)
        if not ready:
            return False
        data = os.read(self.fd, 32)
        self._pending += data.decode(errors="ignore")
        return bool(data)


@contextmanager
def terminal_keys(stream: TextIO | None = None) -> Iterator[KeyReader | None]:
    """A :class:`KeyReader` on the terminal (None when stdin is not a terminal: no keys then)."""
    source = stream or sys.stdin
    try:
        fd = source.fileno()
    except (OSError, ValueError):
        yield None
        return
    if not os.isatty(fd):
        yield None
        return
    import termios
    import tty

    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        attributes = termios.tcgetattr(fd)
        attributes[
            3
        ] &= ~termios.ISIG  # Ctrl-C arrives as a key: it fades out instead of cutting off
        termios.tcsetattr(fd, termios.TCSANOW, attributes)
        sys.stderr.write(HIDE_CURSOR)
        sys.stderr.flush()
        yield KeyReader(fd)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        sys.stderr.write(SHOW_CURSOR)
        sys.stderr.flush()

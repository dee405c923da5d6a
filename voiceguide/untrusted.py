"""Untrusted input, handled in one place: every file the program reads because a routine, a
recordings folder or a voice names it is opened by :func:`open_regular` (a regular file only,
never blocking on a FIFO or a device, read up to a stated size), and text that is written where
one line is expected (a title in a playlist, a tag, a feed, a terminal) passes :func:`one_line`.
Standard library only, so every room may use it."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from voiceguide.errors import InputError

# Line breaks other than \n and \r that terminals, playlists or tag readers may honour
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
# Bidirectional controls: they reorder what a terminal or an app shows ("Trojan Source")
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def is_control(char: str) -> bool:
    """Any C0 or C1 control character, DEL, a Unicode line or paragraph separator, or a
    bidirectional control: nothing a title, a tag or a terminal line may carry."""
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F or char in LINE_BREAKS or char in BIDI_CONTROLS


def one_line(text: str) -> str:
    """``text`` on one line: every control character (tab and line breaks included) becomes a
    space, and runs of spaces one space."""
    return " ".join("".join(" " if is_control(char) else char for char in text).split())


def shown(text: str, most: int = 40) -> str:
    """``text`` quoted on a terminal: one line (tabs and line breaks as spaces), other control
    characters as ``\\uXXXX`` escapes, at most ``most`` characters."""
    escaped = "".join(
        " " if char in "\t\n\r" else f"\\u{ord(char):04x}" if is_control(char) else char
        for char in text
    )
    flat = " ".join(escaped.split())
    return flat if len(flat) <= most else flat[: most - 1] + "…"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


@contextlib.contextmanager
def open_regular(path: Path, *, most_bytes: int, what: str) -> Iterator[BinaryIO]:
    """``path`` opened for reading, only when it is a regular file of at most ``most_bytes``:
    a folder, FIFO, socket or device is refused before it is opened (and again on the open file,
    which may have been swapped meanwhile), without ever blocking. ``what`` the file is (a
    recording, the recordings manifest) names it in errors. Read no more than ``most_bytes``
    from it: :func:`read_regular` does that."""
    try:
        before = path.stat()
    except OSError as error:
        raise InputError(f"{path}: cannot open the file ({_cause(error)})") from None
    if not stat.S_ISREG(before.st_mode):
        raise InputError(f"{path}: expected {what} (a regular file), got {_kind(before.st_mode)}")
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        raise InputError(f"{path}: cannot open the file ({_cause(error)})") from None
    stream = os.fdopen(descriptor, "rb")
    with stream:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or (info.st_dev, info.st_ino) != (
            before.st_dev,
            before.st_ino,
        ):
            raise InputError(f"{path}: expected {what} (a regular file), got {_kind(info.st_mode)}")
        if info.st_size > most_bytes:
            raise InputError(f"{path}: expected {what} of at most {_size(most_bytes)}")
        os.set_blocking(descriptor, True)
        yield stream


def read_regular(path: Path, *, most_bytes: int, what: str) -> bytes:
    """The bytes of ``path``, a regular file of at most ``most_bytes`` (see :func:`open_regular`);
    never more than ``most_bytes + 1`` bytes are read, even from a file that grows meanwhile."""
    with open_regular(path, most_bytes=most_bytes, what=what) as stream:
        try:
            data = stream.read(most_bytes + 1)
        except OSError as error:
            raise InputError(f"{path}: cannot read {what} ({_cause(error)})") from None
    if len(data) > most_bytes:
        raise InputError(f"{path}: expected {what} of at most {_size(most_bytes)}")
    return data


def _size(most_bytes: int) -> str:
    if most_bytes >= 1_000_000:
        return f"{most_bytes / 1_000_000:g} MB"
    return f"{most_bytes / 1000:g} kB"


def _cause(error: OSError) -> str:
    return error.strerror or type(error).__name__

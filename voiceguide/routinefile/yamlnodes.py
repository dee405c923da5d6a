"""Safe YAML reading that keeps line numbers: bytes -> a checked PyYAML node tree.

Aliases, anchors and explicit tags are refused before anything is built, so an alias bomb or an
object-constructing tag never gets a chance to run. Values are converted by :mod:`.load`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from voiceguide.errors import InputError, RoutineError
from voiceguide.untrusted import open_regular

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 16

Fail = Callable[[int | None, str], Exception]

try:  # the C parser is much faster where PyYAML was built with libyaml
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader


def too_large(size: int) -> str:
    return f"expected a routine file under {MAX_FILE_BYTES // 1000} kB, got {size:,} bytes"


def read_nodes(data: bytes, fail: Fail) -> yaml.Node | None:
    """Decode, scan and compose ``data``; ``fail(line, message)`` builds the error to raise."""
    if len(data) > MAX_FILE_BYTES:
        raise fail(None, too_large(len(data)))
    text = _decode(data, fail)
    _check_characters(text, fail)
    _scan(text, fail)
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error, fail) from None
    except yaml.YAMLError as error:  # pragma: no cover - PyYAML raises marked errors for text input
        raise fail(None, f"expected YAML: {error}") from None


def _decode(data: bytes, fail: Fail) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise fail(line, f"expected UTF-8 text, got the byte 0x{data[error.start]:02x}") from None


def _check_characters(text: str, fail: Fail) -> None:
    """YAML allows tab, line breaks and printable characters only; say where one is not."""
    for index, char in enumerate(text):
        code = ord(char)
        printable = (
            char in "\t\n\r"
            or 0x20 <= code <= 0x7E
            or code == 0x85
            or 0xA0 <= code <= 0xD7FF
            or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF
        )
        if not printable:
            raise fail(
                text.count("\n", 0, index) + 1,
                f"expected text, got the control character U+{code:04X}",
            )


def _scan(text: str, fail: Fail) -> None:
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            line = event.start_mark.line + 1 if event.start_mark else None
            if isinstance(event, yaml.AliasEvent):
                raise fail(line, "YAML aliases (*name) are not allowed in routine files")
            if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
                raise fail(line, "YAML anchors (&name) are not allowed in routine files")
            tag = getattr(event, "tag", None)
            if tag is not None and tag != "!":
                raise fail(line, f"YAML tags ({tag}) are not allowed in routine files")
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise fail(line, f"expected at most {MAX_DEPTH} levels of nesting")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error, fail) from None


def _syntax_error(error: yaml.MarkedYAMLError, fail: Fail) -> Exception:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark is not None else None
    problem = (error.problem or error.context or "this is not valid YAML").removeprefix("but ")
    return fail(line, f"expected valid YAML, but {problem}")


def file_bytes(path: Path, shown: str) -> bytes:
    """A routine file's bytes (a huge one is never read); ``shown`` names it in errors."""
    try:
        if not path.is_file():  # raises OSError for a name the file system refuses
            raise RoutineError(
                shown, None, "", "expected a routine file, but there is no such file"
            )
        with open_regular(path, most_bytes=sys.maxsize, what="a routine file") as stream:
            size = os.fstat(stream.fileno()).st_size
            if size > MAX_FILE_BYTES:  # a huge file is never read
                raise RoutineError(shown, None, "", too_large(size))
            return stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise RoutineError(shown, None, "", f"cannot read the file: {error.strerror}") from None
    except RoutineError:
        raise
    except InputError as error:  # not a regular file after all (swapped since): never read
        raise RoutineError(shown, None, "", str(error).removeprefix(f"{path}: ")) from None

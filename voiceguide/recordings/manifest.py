"""The recordings folder's manifest: which file holds which line, and the exact words it says.

``recordings.json`` beside the takes: ``{"version": 1, "takes": {NAME: {"file": ..., "text": ...}}}``.
A take whose words no longer match its line (the routine was edited) is stale. Written atomically.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from voiceguide.errors import InputError
from voiceguide.untrusted import read_regular

MANIFEST_NAME = "recordings.json"
VERSION = 1
MAX_MANIFEST_BYTES = 4_000_000


@dataclass(frozen=True, slots=True)
class Take:
    """A recorded line: its file (a name in the folder) and the words it was recorded for."""

    name: str
    file: str
    text: str


def read_manifest(folder: Path) -> dict[str, Take]:
    """The takes the manifest lists (none when there is no manifest)."""
    path = folder / MANIFEST_NAME
    if not os.path.lexists(path):
        return {}
    raw = read_regular(path, most_bytes=MAX_MANIFEST_BYTES, what="the recordings manifest")
    try:
        data = json.loads(raw)
        takes = data["takes"]
        return {
            str(name): Take(str(name), _plain_name(entry["file"]), str(entry["text"]))
            for name, entry in takes.items()
        }
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise InputError(
            f"{path}: expected a recordings manifest written by 'voiceguide record'"
        ) from None


def _plain_name(value: object) -> str:
    """A file name inside the folder, never a path that leads out of it."""
    name = str(value)
    if Path(name).name != name or name in ("", ".", ".."):
        raise ValueError(name)
    return name


def write_manifest(folder: Path, takes: dict[str, Take]) -> None:
    """Replace the manifest atomically (a temporary file beside it, then a rename)."""
    data = {
        "version": VERSION,
        "takes": {
            name: {"file": take.file, "text": take.text} for name, take in sorted(takes.items())
        },
    }
    write_atomically(folder / MANIFEST_NAME, (json.dumps(data, indent=2) + "\n").encode())


def write_atomically(path: Path, data: bytes) -> None:
    """``path`` holds either its old contents or all of ``data``, never a part."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        mask = os.umask(0)
        os.umask(mask)
        Path(temporary).chmod(0o666 & ~mask)  # as an ordinary new file, not mkstemp's 0600
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

"""What a session's bytes depend on, as one key: the routine file, the options, the engine and
voice chosen (with the engine's own identity: its version, its model), the files the session reads
(a soundscape, recordings, a voice model) and voiceguide's own code. Computed without speaking a
line, so that ``export --all --update`` can tell which exports would come out the same."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from pathlib import Path

from voiceguide import __version__
from voiceguide.preparing.model import SessionOptions
from voiceguide.preparing.settings import resolve
from voiceguide.preparing.voicing import voicing
from voiceguide.routinefile import find_routine
from voiceguide.untrusted import open_regular

_PACKAGE = Path(__file__).resolve().parent.parent


def session_key(name_or_path: str, options: SessionOptions, extra: str = "") -> str:
    """A SHA-256 (hex) that changes whenever the session made from ``name_or_path`` and
    ``options`` could sound different; ``extra``: what else shapes the output (format, tags)."""
    routine = find_routine(name_or_path)
    settings = resolve(routine, options)
    voiced = voicing(routine, settings)  # the engine and voice chosen; nothing is spoken
    files = [Path(file) for file in voiced.recordings.values()]
    if settings.bed.value is not None:
        files.append(settings.bed.value.folder / settings.bed.value.name)
    if Path(name_or_path).is_file():
        files.append(Path(name_or_path))
    parts = {
        "routine": name_or_path,
        "options": repr(dataclasses.replace(options, cache_dir=None)),
        "engine": voiced.choice.engine.name,
        "identity": voiced.choice.engine.identity(voiced.voice),
        "voice": repr(voiced.voice),
        "files": {str(path): file_digest(path) for path in sorted(set(files)) if path.is_file()},
        "code": code_digest(),
        "extra": extra,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


MAX_HASHED_BYTES = 2 << 30  # no file a session reads is larger (recordings: 200 MB)


def file_digest(path: Path) -> str:
    """The SHA-256 of a file the session reads (the routine, a soundscape, a recording, a cover):
    named by untrusted input, so opened only as a regular file, never blocking."""
    digest = hashlib.sha256()
    with open_regular(path, most_bytes=MAX_HASHED_BYTES, what="a file the session reads") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@functools.cache
def code_digest() -> str:
    """voiceguide's version and every file of the package (code, bundled routines and sounds):
    a change anywhere may change what an export sounds like."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()

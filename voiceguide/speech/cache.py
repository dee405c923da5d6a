"""A content-addressed clip cache: (engine identity, voice, text) -> the engine's clip, as a WAV file.

Entries are written to a temporary file and renamed into place, so a reader never sees half a clip.
The root folder is ``$VOICEGUIDE_CACHE_DIR`` or the user's cache folder (``~/.cache/voiceguide``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from voiceguide.speech.base import Clip, Voice

CACHE_KINDS = ("clips", "finished", "loudness")
FORMAT_VERSION = 2  # bump when the stored clip changes meaning


def default_cache_dir() -> Path:
    configured = os.environ.get("VOICEGUIDE_CACHE_DIR")
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_cache_dir("voiceguide", appauthor=False))


def _whole_wav(path: Path) -> bool:
    """A WAV file whose RIFF header accounts for exactly the bytes on disk (a cut-off file does not)."""
    try:
        with path.open("rb") as stream:
            header = stream.read(12)
            size = os.fstat(stream.fileno()).st_size
    except OSError:
        return False
    return (
        header[:4] == b"RIFF"
        and header[8:12] == b"WAVE"
        and int.from_bytes(header[4:8], "little") + 8 == size
    )


def clip_key(engine_identity: str, voice: Voice, text: str) -> str:
    material = json.dumps(
        [FORMAT_VERSION, engine_identity, voice.name, voice.rate_wpm, voice.pitch, text],
        ensure_ascii=False,
    )
    return hashlib.sha256(material.encode()).hexdigest()


class ClipCache:
    """Clips under ``root/kind/``: ``clips`` from the engines, ``finished`` ready to mix."""

    def __init__(self, root: Path | None = None, kind: str = "clips") -> None:
        self.root = root or default_cache_dir()
        self.folder = self.root / kind

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.wav"

    def get(self, key: str) -> Clip | None:
        path = self._path(key)
        if not _whole_wav(path):
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)  # truncated or garbage: made again, and stored again
            return None
        try:
            samples, rate = soundfile.read(path, dtype="float32")
        except (OSError, RuntimeError, soundfile.LibsndfileError):
            return None  # missing or unreadable: synthesize again
        return Clip(np.asarray(samples, dtype=np.float32), int(rate))

    def put(self, key: str, clip: Clip) -> None:
        """Store ``clip``; a cache that cannot be written is skipped, never fatal."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as stream:
                    soundfile.write(
                        stream, clip.samples, clip.sample_rate, format="WAV", subtype="FLOAT"
                    )  # exact: a cached clip equals a fresh one
                Path(temporary).replace(path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError:
            pass


DEFAULT_LIMIT_MB = 500


@dataclass(frozen=True, slots=True)
class Usage:
    folder: Path
    files: int
    size_bytes: int
    by_kind: tuple[tuple[str, int, int], ...]  # (kind, files, bytes)


def _entries(root: Path) -> list[tuple[Path, os.stat_result]]:
    found = []
    for kind in CACHE_KINDS:
        for path in (root / kind).rglob("*"):
            try:
                info = path.stat()
            except OSError:
                continue
            if path.is_file():
                found.append((path, info))
    return found


def cache_usage(root: Path | None = None) -> Usage:
    root = root or default_cache_dir()
    entries = _entries(root)
    by_kind = []
    for kind in CACHE_KINDS:
        mine = [info.st_size for path, info in entries if path.is_relative_to(root / kind)]
        by_kind.append((kind, len(mine), sum(mine)))
    return Usage(root, len(entries), sum(info.st_size for _, info in entries), tuple(by_kind))


def clear_cache(root: Path | None = None) -> int:
    """Remove every cached clip and measurement; return how many files went."""
    root = root or default_cache_dir()
    removed = 0
    for path, _ in _entries(root):
        with contextlib.suppress(OSError):
            path.unlink()
            removed += 1
    return removed


def trim_cache(root: Path | None = None, limit_bytes: int | None = None) -> int:
    """Keep the cache under its size limit (``$VOICEGUIDE_CACHE_MAX_MB``, default 500 MB) by removing
    the entries used least recently; return how many files went."""
    root = root or default_cache_dir()
    if limit_bytes is None:
        configured = os.environ.get("VOICEGUIDE_CACHE_MAX_MB", "")
        limit_bytes = (
            int(float(configured) * 1e6)
            if configured.replace(".", "", 1).isdigit()
            else DEFAULT_LIMIT_MB * 1_000_000
        )
    entries = _entries(root)
    total = sum(info.st_size for _, info in entries)
    removed = 0
    for path, info in sorted(entries, key=lambda entry: max(entry[1].st_atime, entry[1].st_mtime)):
        if total <= limit_bytes:
            break
        with contextlib.suppress(OSError):
            path.unlink()
            total -= info.st_size
            removed += 1
    return removed

"""A content-addressed clip cache: (engine identity, voice, text) -> the engine's clip, as a WAV file.

Entries are written to a temporary file and renamed into place, so a reader never sees half a clip.
The root folder is ``$VOICEGUIDE_CACHE_DIR`` or the user's cache folder (``~/.cache/voiceguide``).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import soundfile

from voiceguide.speech.base import Clip, Voice

FORMAT_VERSION = 2  # bump when the stored clip changes meaning


def default_cache_dir() -> Path:
    configured = os.environ.get("VOICEGUIDE_CACHE_DIR")
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_cache_dir("voiceguide", appauthor=False))


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

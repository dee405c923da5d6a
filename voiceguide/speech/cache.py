"""Speech clips in the cache room: (engine identity, voice, text) -> the engine's clip.

Entries are verified and written atomically by :mod:`voiceguide.cache`; clips are stored by its
lossless codec. The root folder is ``$VOICEGUIDE_CACHE_DIR`` or the user's cache folder
(``~/.cache/voiceguide``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from voiceguide.cache import (
    DEFAULT_LIMIT_MB,
    NAMESPACES,
    CacheRoom,
    Usage,
    decode_clip,
    default_cache_dir,
    encode_clip,
    encode_derived,
)
from voiceguide.cache.codec import Derive
from voiceguide.speech.base import Clip, Voice

CACHE_KINDS = NAMESPACES
FORMAT_VERSION = 2  # bump when the stored clip changes meaning

__all__ = [
    "CACHE_KINDS",
    "DEFAULT_LIMIT_MB",
    "ClipCache",
    "Usage",
    "clip_key",
    "default_cache_dir",
]


def clip_key(engine_identity: str, voice: Voice, text: str) -> str:
    material = json.dumps(
        [FORMAT_VERSION, engine_identity, voice.name, voice.rate_wpm, voice.pitch, text],
        ensure_ascii=False,
    )
    return hashlib.sha256(material.encode()).hexdigest()


class ClipCache:
    """Clips in one namespace of the cache room: ``clips`` from the engines, ``finished`` ready to
    mix (see :mod:`voiceguide.clips`)."""

    def __init__(
        self, root: Path | None = None, kind: str = "clips", derive: Derive | None = None
    ) -> None:
        """``derive``: how a clip stored with its source (:meth:`put`) is predicted from it."""
        self.room = CacheRoom(root)
        self.root = self.room.root
        self.kind = kind
        self.derive = derive

    def get(self, key: str) -> Clip | None:
        data = self.room.get(self.kind, key)
        decoded = decode_clip(data, self.derive) if data is not None else None
        if decoded is None:
            return None
        samples, rate = decoded
        return Clip(np.asarray(samples, dtype=np.float32), rate)

    def put(self, key: str, clip: Clip, source: Clip | None = None) -> None:
        """Store ``clip`` (made from ``source`` by way of ``derive``, when given: stored smaller
        when the source is 16-bit); a cache that cannot be written is skipped (one warning)."""
        if (
            source is not None
            and self.derive is not None
            and source.sample_rate == clip.sample_rate
        ):
            data = encode_derived(clip.samples, clip.sample_rate, source.samples, self.derive)
        else:
            data = encode_clip(clip.samples, clip.sample_rate)
        self.room.put(self.kind, key, data)

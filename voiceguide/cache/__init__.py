"""The cache room: namespaced, verified, atomic entries; trimming; info and clear."""

from voiceguide.cache.codec import decode_clip, encode_clip, encode_derived
from voiceguide.cache.room import (
    DEFAULT_LIMIT_MB,
    NAMESPACES,
    CacheRoom,
    Limit,
    Usage,
    cache_limit,
    default_cache_dir,
)

__all__ = [
    "DEFAULT_LIMIT_MB",
    "NAMESPACES",
    "CacheRoom",
    "Limit",
    "Usage",
    "cache_limit",
    "decode_clip",
    "default_cache_dir",
    "encode_clip",
    "encode_derived",
]

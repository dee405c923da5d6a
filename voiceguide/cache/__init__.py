"""The cache room: namespaced, verified, atomic entries; trimming; info and clear."""

from voiceguide.cache.codec import decode_clip, encode_clip, encode_derived
from voiceguide.cache.room import (
    DEFAULT_LIMIT_MB,
    NAMESPACES,
    CacheRoom,
    Limit,
    Usage,
    cache_limit,
    cache_usage,
    clear_cache,
    default_cache_dir,
    trim_cache,
)

__all__ = [
    "DEFAULT_LIMIT_MB",
    "NAMESPACES",
    "CacheRoom",
    "Limit",
    "Usage",
    "cache_limit",
    "cache_usage",
    "clear_cache",
    "decode_clip",
    "default_cache_dir",
    "encode_clip",
    "encode_derived",
    "trim_cache",
]

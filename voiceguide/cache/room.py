"""The cache room: every cached thing (clips, finished clips, loudness, model hashes) goes through it.

An entry lives at ``root/NAMESPACE/KE/KEY.vgc``: a header line naming its namespace, its key, the
payload's length and SHA-256, then the payload. A read checks all four, so a truncated, edited or
swapped file is a miss (and is removed), never other audio. A write goes to a temporary file beside
the entry and is renamed into place, so a reader never sees half an entry. A cache that cannot be
written (full disk, ``ulimit -f``, read-only) is skipped with one warning: it never fails a session.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from voiceguide.errors import describe_os_error

NAMESPACES = ("clips", "finished", "loudness", "models")
SUFFIX = ".vgc"
MAGIC = b"voiceguide-cache 1 "
DEFAULT_LIMIT_MB = 500
LIMIT_VARIABLE = "VOICEGUIDE_CACHE_MAX_MB"
STALE_TEMPORARY_S = 3600.0  # a temporary file this old was left by a killed process

Warn = Callable[[str], None]


def default_cache_dir() -> Path:
    configured = os.environ.get("VOICEGUIDE_CACHE_DIR")
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_cache_dir("voiceguide", appauthor=False))


def _stderr(message: str) -> None:
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(f"voiceguide: {message}\n")
        sys.stderr.flush()


@dataclass(frozen=True, slots=True)
class Limit:
    """The size limit and where it came from (an invalid setting falls back, and says so)."""

    size_bytes: int
    described: str  # for `cache info`: "500 MB (default)", "200 MB"


def cache_limit() -> Limit:
    configured = os.environ.get(LIMIT_VARIABLE, "").strip()
    default = Limit(DEFAULT_LIMIT_MB * 1_000_000, f"{DEFAULT_LIMIT_MB} MB (default)")
    if not configured:
        return default
    try:
        megabytes = float(configured)
    except ValueError:
        megabytes = float("nan")
    if not 0 <= megabytes < 1e9:  # also false for nan
        shown = configured.encode("ascii", "backslashreplace").decode()[:20]
        return Limit(default.size_bytes, f"{DEFAULT_LIMIT_MB} MB ({LIMIT_VARIABLE}={shown!r} is "
                                         "not a number of megabytes)")  # fmt: skip
    return Limit(int(megabytes * 1e6), f"{megabytes:g} MB")


@dataclass(frozen=True, slots=True)
class Usage:
    folder: Path
    files: int
    size_bytes: int
    by_kind: tuple[tuple[str, int, int], ...]  # (namespace, files, bytes)
    limit: Limit


class CacheRoom:
    """The cache under ``root`` (default :func:`default_cache_dir`)."""

    _unwritable: ClassVar[set[Path]] = set()  # roots found unwritable in this process: warned once
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, root: Path | None = None, warn: Warn = _stderr) -> None:
        self.root = root or default_cache_dir()
        self._warn = warn

    def path(self, namespace: str, key: str) -> Path:
        if namespace not in NAMESPACES or not key.isalnum():
            raise ValueError(f"no cache entry {namespace}/{key}")
        return self.root / namespace / key[:2] / f"{key}{SUFFIX}"

    def get(self, namespace: str, key: str) -> bytes | None:
        """The payload stored under ``key``, or None when there is none or it does not check."""
        path = self.path(namespace, key)
        try:
            with path.open("rb") as stream:
                header = stream.readline(1024)
                payload = stream.read()
        except OSError:
            return None
        if _header(namespace, key, payload) == header:
            with contextlib.suppress(OSError):
                os.utime(path)  # recently used: trimmed last
            return payload
        with contextlib.suppress(OSError):
            path.unlink()  # truncated, edited or swapped: made again
        return None

    def put(self, namespace: str, key: str, payload: bytes) -> bool:
        """Store ``payload``; False (after one warning per process) when the cache cannot be written."""
        if self.root in CacheRoom._unwritable:
            return False
        path = self.path(namespace, key)
        temporary: str | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
            with os.fdopen(handle, "wb") as stream:
                stream.write(_header(namespace, key, payload))
                stream.write(payload)
            Path(temporary).replace(path)
            return True
        except OSError as error:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    Path(temporary).unlink()
            self._cannot_write(error)
            return False

    def _cannot_write(self, error: OSError) -> None:
        with CacheRoom._lock:
            if self.root in CacheRoom._unwritable:
                return
            CacheRoom._unwritable.add(self.root)
        self._warn(
            f"warning: the cache in {self.root} cannot be written ({describe_os_error(error)}): "
            "going on without it"
        )

    def _entries(self) -> list[tuple[Path, os.stat_result]]:
        found = []
        for namespace in NAMESPACES:
            for path in (self.root / namespace).rglob("*"):
                try:
                    info = path.stat()
                except OSError:
                    continue
                if path.is_file():
                    found.append((path, info))
        for legacy in self.root.glob("model-hashes.json"):  # earlier releases' hash memo
            with contextlib.suppress(OSError):
                found.append((legacy, legacy.stat()))
        return found

    def usage(self) -> Usage:
        entries = self._entries()
        by_kind = []
        for namespace in NAMESPACES:
            mine = [
                info.st_size for path, info in entries if path.is_relative_to(self.root / namespace)
            ]
            by_kind.append((namespace, len(mine), sum(mine)))
        total = sum(info.st_size for _, info in entries)
        return Usage(self.root, len(entries), total, tuple(by_kind), cache_limit())

    def clear(self) -> int:
        """Remove every entry; return how many files went."""
        removed = 0
        for path, _ in self._entries():
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
        return removed

    def trim(self, limit_bytes: int | None = None) -> int:
        """Keep the cache under its limit: entries of earlier releases and temporary files left by
        killed processes first, then the entries used least recently; return how many files went."""
        limit = cache_limit().size_bytes if limit_bytes is None else limit_bytes
        entries = self._entries()
        total = sum(info.st_size for _, info in entries)
        removed = 0

        def order(entry: tuple[Path, os.stat_result]) -> tuple[bool, float]:
            path, info = entry
            used = max(info.st_atime, info.st_mtime)
            return (not _dead_weight(path, used), used)

        for path, info in sorted(entries, key=order):
            if total <= limit and not _dead_weight(path, max(info.st_atime, info.st_mtime)):
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= info.st_size
                removed += 1
        return removed


def _dead_weight(path: Path, used: float) -> bool:
    """A temporary file left by a killed process, or an entry of an earlier release (never read)."""
    if path.name.startswith(".") and path.name.endswith(".tmp"):
        return time.time() - used > STALE_TEMPORARY_S
    return path.suffix != SUFFIX


def _header(namespace: str, key: str, payload: bytes) -> bytes:
    facts = json.dumps(
        {
            "namespace": namespace,
            "key": key,
            "bytes": len(payload),
            "sha256": hashlib.sha256(payload).hexdigest(),
        },
        sort_keys=True,
    )
    return MAGIC + facts.encode() + b"\n"


def cache_usage(root: Path | None = None) -> Usage:
    """Where the cache is, what it holds by kind, and its size limit."""
    return CacheRoom(root).usage()


def clear_cache(root: Path | None = None) -> int:
    """Remove every cached clip and measurement; return how many files went."""
    return CacheRoom(root).clear()


def trim_cache(root: Path | None = None, limit_bytes: int | None = None) -> int:
    """Keep the cache under its size limit (``$VOICEGUIDE_CACHE_MAX_MB``, default 500 MB) by removing
    the entries used least recently; return how many files went."""
    return CacheRoom(root).trim(limit_bytes)

"""What ``export --all`` wrote into a folder, kept beside the outputs (``.voiceguide-export.json``):
each routine's key (what its bytes depend on), the files written for it (size, time, SHA-256) and
when its audio last changed; the shared files (playlist, feed, covers) likewise. ``--update``
reads it to write only what would change, and to remove only files it wrote itself."""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from voiceguide.export.atomic import atomic_path

MANIFEST = ".voiceguide-export.json"
VERSION = 1


@dataclass(frozen=True, slots=True)
class Written:
    """One file as voiceguide left it."""

    size: int
    mtime_ns: int
    sha256: str

    @classmethod
    def of(cls, path: Path) -> Written:
        status = path.stat()
        return cls(status.st_size, status.st_mtime_ns, _sha256(path))

    def unchanged(self, path: Path) -> bool:
        """The file is still there as written (size and time, not read again)."""
        try:
            status = path.stat()
        except OSError:
            return False
        return status.st_size == self.size and status.st_mtime_ns == self.mtime_ns


@dataclass(frozen=True, slots=True)
class Entry:
    """One routine's export."""

    key: str
    files: dict[str, Written]  # by path relative to the folder, the audio first
    changed_s: float  # when its audio last changed (the feed's pubDate)
    title: str
    description: str
    total_s: float
    cover_mime: str
    parts: tuple[tuple[str, str, float], ...] = ()  # --split: (file, title, length) of each part


@dataclass
class Manifest:
    folder: Path
    entries: dict[str, Entry] = field(default_factory=dict)  # by the audio's relative path
    shared: dict[str, Written] = field(default_factory=dict)  # playlist, feed, covers
    _saved: str = ""

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        """The folder's manifest; an empty one when there is none (or it cannot be read)."""
        manifest = cls(folder)
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            text = (folder / MANIFEST).read_text(encoding="utf-8")
            data = json.loads(text)
            if data.get("version") == VERSION:
                manifest.entries = {name: _entry(entry) for name, entry in data["entries"].items()}
                manifest.shared = _written(data["shared"])
                manifest._saved = text
        return manifest

    def fresh(self, name: str, key: str) -> bool:
        """The routine at ``name`` was written with this key and its files are as written."""
        entry = self.entries.get(name)
        return (
            entry is not None
            and entry.key == key
            and all(written.unchanged(self.folder / file) for file, written in entry.files.items())
        )

    def files(self) -> list[Path]:
        """Every file this manifest says voiceguide wrote."""
        names = [*self.shared, *(file for entry in self.entries.values() for file in entry.files)]
        return [self.folder / name for name in names]

    def ours(self, path: Path) -> bool:
        """``path`` is a file this manifest says voiceguide wrote, unchanged since."""
        name = self.relative(path)
        written = self.shared.get(name) or next(
            (entry.files[name] for entry in self.entries.values() if name in entry.files), None
        )
        return written is not None and written.unchanged(path)

    def relative(self, path: Path) -> str:
        return path.relative_to(self.folder).as_posix()

    def record(self, name: str, entry: Entry) -> list[Path]:
        """Note a routine's new export; the files of its last export that it no longer writes
        (and that are unchanged since voiceguide wrote them) are returned, to be removed."""
        old = self.entries.get(name)
        self.entries[name] = entry
        if old is None:
            return []
        stale = [file for file in old.files if file not in entry.files]
        return [
            self.folder / file for file in stale if old.files[file].unchanged(self.folder / file)
        ]

    def note(self, path: Path) -> Path:
        """Note a shared file (playlist, feed, cover) as written by voiceguide."""
        self.shared[self.relative(path)] = Written.of(path)
        return path

    def save(self) -> bool:
        """Write the manifest if it changed; whether it was written."""
        data = {
            "version": VERSION,
            "entries": {name: asdict(entry) for name, entry in sorted(self.entries.items())},
            "shared": {name: asdict(item) for name, item in sorted(self.shared.items())},
        }
        text = json.dumps(data, indent=1) + "\n"  # files in order: the audio first
        if text == self._saved:
            return False
        with atomic_path(self.folder / MANIFEST, force=True) as temporary:
            temporary.write_text(text, encoding="utf-8")
        self._saved = text
        return True


def write_if_changed(path: Path, data: bytes, *, force: bool) -> bool:
    """Write ``data`` to ``path`` (atomically) unless it already holds exactly that; whether it
    was written."""
    with contextlib.suppress(OSError):
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    with atomic_path(path, force=force) as temporary:
        temporary.write_bytes(data)
    return True


def remove(paths: list[Path], folder: Path) -> None:
    """Remove files voiceguide wrote (and a folder of its own inside ``folder`` they leave empty)."""
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        with contextlib.suppress(OSError):
            if path.parent != folder and not any(path.parent.iterdir()):
                path.parent.rmdir()


def _entry(data: dict[str, Any]) -> Entry:
    parts = tuple(
        (str(file), str(title), float(length_s)) for file, title, length_s in data.get("parts", ())
    )
    return Entry(**{**data, "files": _written(data["files"]), "parts": parts})


def _written(data: dict[str, Any]) -> dict[str, Written]:
    return {name: Written(**item) for name, item in data.items()}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

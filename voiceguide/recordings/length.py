"""How long the takes in a recordings folder last, read from their headers (no decoding), so a
take far too short for its words can be named. A file whose length cannot be read this way (MP3,
M4A, a broken file) is left out: the player decodes it later and says what is wrong."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

HEADER_SUFFIXES = (".wav", ".flac", ".ogg", ".oga", ".opus")


def take_seconds(folder: Path, files: Iterable[str]) -> dict[str, float]:
    """File name -> seconds, for the ``files`` in ``folder`` whose header says."""
    import soundfile

    seconds: dict[str, float] = {}
    for name in files:
        path = folder / name
        if path.suffix.lower() not in HEADER_SUFFIXES or not path.is_file():
            continue
        try:
            info = soundfile.info(str(path))
        except (RuntimeError, OSError, ValueError):  # soundfile.LibsndfileError is a RuntimeError
            continue
        if info.samplerate > 0:
            seconds[name] = info.frames / info.samplerate
    return seconds

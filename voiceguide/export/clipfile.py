"""One short mono clip to a sound file (``voiceguide voices --sample NAME -o FILE``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from voiceguide.errors import OptionError
from voiceguide.export.atomic import atomic_path

FORMATS = {".wav": "WAV", ".flac": "FLAC", ".ogg": "OGG", ".mp3": "MP3"}  # libsndfile writes them


def write_clip(samples: np.ndarray, sample_rate: int, path: Path, *, force: bool = False) -> None:
    """Write ``samples`` to ``path`` (.wav, .flac, .ogg or .mp3, by its name), never over a file
    without ``force``."""
    import soundfile

    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise OptionError(f"{path}: expected a file name ending in {', '.join(FORMATS)}")
    with atomic_path(path, force=force) as temporary:
        soundfile.write(temporary, samples, sample_rate, format=kind)

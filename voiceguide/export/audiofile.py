"""Encoders for lossless files through libsndfile (the ``soundfile`` wheel), fed block by block."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile

from voiceguide.errors import ExportError, OptionError
from voiceguide.export.atomic import atomic_path

FORMATS = {".wav": ("WAV", "PCM_16"), ".flac": ("FLAC", "PCM_16")}

Progress = Callable[[int, int], None]  # (frames written, total frames)


def check_format(path: Path) -> None:
    if path.suffix.lower() not in FORMATS:
        known = ", ".join(FORMATS)
        raise OptionError(f"cannot export '{path.name}': expected a file name ending in {known}")


def write_audio(
    path: Path,
    blocks: Iterable[np.ndarray],
    *,
    sample_rate: int,
    channels: int,
    total_frames: int,
    force: bool = False,
    progress: Progress | None = None,
) -> Path:
    """Stream ``blocks`` of ``(frames, channels)`` float32 into ``path``, atomically."""
    check_format(path)
    container, subtype = FORMATS[path.suffix.lower()]
    with atomic_path(path, force=force) as temporary:
        try:
            with soundfile.SoundFile(
                temporary,
                "w",
                samplerate=sample_rate,
                channels=channels,
                format=container,
                subtype=subtype,
            ) as sink:
                written = 0
                for block in blocks:
                    sink.write(_to_pcm16(block))
                    written += len(block)
                    if progress:
                        progress(written, total_frames)
        except (OSError, RuntimeError) as error:
            raise ExportError(f"cannot write {path}: {error}") from None
    return path


def _to_pcm16(block: np.ndarray) -> npt.NDArray[np.int16]:
    """Round float samples to 16-bit integers (several times faster than libsndfile's own conversion)."""
    pcm: npt.NDArray[np.int16] = np.rint(np.clip(block, -1.0, 32767 / 32768) * 32768).astype(
        np.int16
    )
    return pcm

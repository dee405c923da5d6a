"""Encoding a stream of rendered blocks into a file, each format with the fastest encoder measured
(scripts/bench_export.py): libsndfile for WAV, FLAC and Ogg Vorbis (the soundfile wheel), LAME for
MP3 (the lameenc wheel), FFmpeg's libopus and AAC encoders for Opus and M4A/M4B (the av wheel)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile

from voiceguide.errors import ExportError
from voiceguide.export.formats import Format
from voiceguide.export.metadata import Metadata
from voiceguide.export.oggserial import serial_for, set_serial
from voiceguide.render.ahead import ahead

Progress = Callable[[int, int], None]  # (frames written, total frames)

# libsndfile's Vorbis encoder is VBR: its "compression level" picks a quality. Nominal bitrates
# measured for full-band stereo at 44.1 kHz (speech and quiet beds come out well below these).
_VORBIS_KBPS = (67.0, 82.0, 100.0, 110.0, 123.0, 168.0)
_VORBIS_LEVEL = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5)


def compression_level(kbps: int) -> float:
    """libsndfile's 0..1 Vorbis compression level that gives ``kbps`` (checked in the tests)."""
    return float(np.interp(kbps, _VORBIS_KBPS, _VORBIS_LEVEL))


@dataclass(frozen=True, slots=True)
class Stream:
    """What is encoded, resolved: the format, the rate, mono or stereo, the bitrate (``None`` for
    a lossless format) and how many frames the blocks hold in all."""

    fmt: Format
    sample_rate: int
    mono: bool
    kbps: int | None
    total_frames: int


def encode(
    path: Path,
    blocks: Iterable[np.ndarray],
    stream: Stream,
    *,
    metadata: Metadata,
    progress: Progress | None,
) -> None:
    """Encode ``blocks`` (float32, frames x 2) into ``path`` with ``stream.fmt``'s encoder."""
    fmt, sample_rate, kbps, mono = stream.fmt, stream.sample_rate, stream.kbps, stream.mono
    channels = 1 if mono else 2
    # The render, the down-mix and the rounding to 16 bits (for the encoders that take integers)
    # run a few blocks ahead on the other core while the encoder works (LAME, PyAV and libsndfile
    # let go of the GIL): an export takes the encoder's time plus the start-up, not the sum.
    integers = fmt.encoder == "lame" or fmt.subtype == "PCM_16"
    ready = ahead(_for_encoder(block, mono, integers) for block in blocks)
    reported = _reported(ready, stream.total_frames, progress)
    if fmt.encoder == "lame":
        from voiceguide.export.mp3 import encode_mp3

        assert kbps is not None
        encode_mp3(path, reported, sample_rate=sample_rate, channels=channels, kbps=kbps)
        return
    if fmt.encoder == "av":
        from voiceguide.export.avcodec import encode_av

        assert kbps is not None
        encode_av(path, reported, fmt, metadata=metadata, sample_rate=sample_rate,
                  channels=channels, kbps=kbps)  # fmt: skip
    else:
        encode_sndfile(path, reported, fmt, sample_rate=sample_rate, channels=channels, kbps=kbps)
    if fmt.container.lower() == "ogg":
        set_serial(path, serial_for(metadata.title))


def _for_encoder(block: np.ndarray, mono: bool, integers: bool) -> np.ndarray:
    """A rendered block as the encoder takes it: down-mixed for mono, 16-bit when ``integers``."""
    mixed = block.mean(axis=1, keepdims=True, dtype=np.float32) if mono else block
    return _pcm16(mixed) if integers else mixed


def _pcm16(block: np.ndarray) -> npt.NDArray[np.int16]:
    """Round float samples to 16-bit integers (several times faster than libsndfile's conversion)."""
    pcm: npt.NDArray[np.int16] = np.rint(np.clip(block, -1.0, 32767 / 32768) * 32768).astype(
        np.int16
    )
    return pcm


def _reported(
    blocks: Iterable[np.ndarray], total_frames: int, progress: Progress | None
) -> Iterator[np.ndarray]:
    """The blocks, telling ``progress`` how many frames have gone by after each."""
    written = 0
    for block in blocks:
        yield block
        written += len(block)
        if progress:
            progress(written, total_frames)


def encode_sndfile(
    path: Path,
    blocks: Iterable[np.ndarray],
    fmt: Format,
    *,
    sample_rate: int,
    channels: int,
    kbps: int | None,
) -> None:
    """WAV, FLAC or Ogg Vorbis through libsndfile: ``blocks`` are 16-bit for the PCM_16 formats."""
    extra: dict[str, object] = {}
    if fmt.lossy and kbps is not None:
        extra["compression_level"] = compression_level(kbps)
    try:
        with soundfile.SoundFile(
            path, "w", samplerate=sample_rate, channels=channels,
            format=fmt.container, subtype=fmt.subtype, **extra,
        ) as sink:  # fmt: skip
            for samples in blocks:
                sink.write(samples)  # 16-bit already for the PCM_16 formats (encode rounds them)
    except (OSError, RuntimeError) as error:
        raise ExportError(f"cannot write {path.name}: {error}") from None

"""Opus (libopus, in Ogg) and AAC (FFmpeg's own encoder, in MP4) through PyAV: FFmpeg's libraries
from the ``av`` wheel, in this process, fed frame by frame. MP4 files get their tags and chapters
from the muxer (a chapter track and Nero ``chpl``); Ogg Opus gets its comments from mutagen."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from voiceguide.errors import ExportError
from voiceguide.export.formats import Format
from voiceguide.export.metadata import Metadata


def encode_av(
    path: Path,
    blocks: Iterable[np.ndarray],
    fmt: Format,
    *,
    metadata: Metadata,
    sample_rate: int,
    channels: int,
    kbps: int,
) -> None:
    """Encode float32 blocks (frames x channels) into ``path`` with ``fmt.subtype``'s codec."""
    import av

    mp4 = fmt.container == "ipod"
    options = {"fflags": "+bitexact"}  # no library version in the file, a fixed Ogg serial
    if mp4:
        options["movflags"] = "+faststart"
    try:
        with av.open(str(path), "w", format=fmt.container, options=options) as container:
            stream: Any = container.add_stream(
                fmt.subtype, rate=sample_rate, layout="stereo" if channels == 2 else "mono"
            )
            codec = stream.codec_context
            codec.bit_rate = kbps * 1000
            codec.format = "fltp" if mp4 else "flt"
            codec.options = {"flags": "+bitexact"}
            if mp4:
                _mp4_tags(container, metadata)
            codec.open()
            for frame in _frames(blocks, codec.frame_size, sample_rate, planar=mp4):
                container.mux(stream.encode(frame))
            container.mux(stream.encode(None))
    except (OSError, av.FFmpegError) as error:
        raise ExportError(f"cannot write {path.name}: {error}") from None


def _frames(
    blocks: Iterable[np.ndarray], size: int, sample_rate: int, *, planar: bool
) -> Iterable[Any]:
    """Frames of exactly ``size`` samples (the codec's), the last one shorter; pts in samples."""
    import av

    pending = np.empty((0, 0), dtype=np.float32)
    pts = 0
    for block in blocks:
        pending = block if pending.size == 0 else np.concatenate([pending, block])
        whole = len(pending) - len(pending) % size
        for start in range(0, whole, size):
            yield _frame(av, pending[start : start + size], sample_rate, pts, planar)
            pts += size
        pending = pending[whole:]
    if len(pending):
        yield _frame(av, pending, sample_rate, pts, planar)


def _frame(av: Any, samples: np.ndarray, sample_rate: int, pts: int, planar: bool) -> Any:
    layout = "stereo" if samples.shape[1] == 2 else "mono"
    data = np.ascontiguousarray(samples.T if planar else samples.reshape(1, -1), dtype=np.float32)
    frame = av.AudioFrame.from_ndarray(data, format="fltp" if planar else "flt", layout=layout)
    frame.sample_rate = sample_rate
    frame.pts = pts
    frame.time_base = Fraction(1, sample_rate)
    return frame


def _mp4_tags(container: Any, metadata: Metadata) -> None:
    container.metadata.update(
        {
            "title": metadata.title,
            "artist": metadata.artist,
            "album": metadata.album,
            "genre": metadata.genre,
            "date": metadata.year,
            "comment": metadata.comment,
            "description": metadata.comment,
            "encoder": metadata.encoder,
        }
    )
    container.set_chapters(
        [
            {
                "id": number,
                "start": round(chapter.start_s * 1000),
                "end": round(chapter.end_s * 1000),
                "time_base": Fraction(1, 1000),
                "metadata": {"title": chapter.title},
            }
            for number, chapter in enumerate(metadata.chapters, start=1)
        ]
    )

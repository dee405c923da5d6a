"""WAV metadata libsndfile does not write: cue points with labels (chapters) and INFO tags.

Chunks are appended after the audio and the RIFF size is fixed; ``cue `` + ``LIST/adtl/labl`` is
what ffmpeg, Audacity and most editors read as markers.
"""

from __future__ import annotations

import struct
from pathlib import Path

from voiceguide.export.metadata import Metadata


def _chunk(chunk_id: bytes, data: bytes) -> bytes:
    pad = b"\0" if len(data) % 2 else b""
    return chunk_id + struct.pack("<I", len(data)) + data + pad


def _text(value: str) -> bytes:
    return value.encode("utf-8") + b"\0"


def add_wav_chunks(path: Path, metadata: Metadata, sample_rate: int) -> None:
    cues = [round(chapter.start_s * sample_rate) for chapter in metadata.chapters]
    cue = struct.pack("<I", len(cues)) + b"".join(
        struct.pack("<II4sIII", index + 1, position, b"data", 0, 0, position)
        for index, position in enumerate(cues)
    )
    labels = b"adtl" + b"".join(
        _chunk(b"labl", struct.pack("<I", index + 1) + _text(chapter.title))
        for index, chapter in enumerate(metadata.chapters)
    )
    info = b"INFO" + b"".join(
        _chunk(key, _text(value))
        for key, value in (
            (b"INAM", metadata.title),
            (b"IART", metadata.artist),
            (b"IPRD", metadata.album),
            (b"IGNR", metadata.genre),
            (b"ICRD", metadata.year),
            (b"ICMT", metadata.comment),
            (b"ISFT", metadata.encoder),
        )
    )
    extra = _chunk(b"cue ", cue) + _chunk(b"LIST", labels) + _chunk(b"LIST", info)
    with path.open("r+b") as stream:
        header = stream.read(12)
        if header[:4] != b"RIFF" or header[8:12] != b"WAVE":
            raise ValueError(f"{path} is not a RIFF WAVE file")
        riff_size = struct.unpack("<I", header[4:8])[0]
        stream.seek(0, 2)
        if stream.tell() % 2:
            stream.write(b"\0")
            riff_size += 1
        stream.write(extra)
        stream.seek(4)
        stream.write(struct.pack("<I", riff_size + len(extra)))

"""Tags, chapters and cover art inside the file: ID3 CHAP/CTOC/APIC for MP3, Vorbis comments (and a
picture) for Ogg/Opus/FLAC, cue points and INFO for WAV; M4A/M4B get tags and chapters from the
muxer while encoding, and cover art and track numbers here."""

from __future__ import annotations

import base64
import struct
from pathlib import Path
from typing import Any

from voiceguide.export.formats import Format
from voiceguide.export.metadata import Metadata
from voiceguide.export.wavchunks import add_wav_chunks
from voiceguide.timetext import timestamp


def write_tags(path: Path, fmt: Format, metadata: Metadata, sample_rate: int) -> None:
    if fmt.name == "wav":
        add_wav_chunks(path, metadata, sample_rate)
    elif fmt.name == "mp3":
        _id3(path, metadata)
    elif fmt.name in ("ogg", "opus", "flac"):
        _vorbis_comments(path, fmt, metadata)
    elif fmt.container == "ipod":
        _mp4_atoms(path, metadata)


def _mp4_atoms(path: Path, metadata: Metadata) -> None:
    if metadata.cover is None and metadata.track is None:
        return
    from mutagen.mp4 import MP4, MP4Cover

    opened = MP4(path)
    tags: Any = opened.tags
    if metadata.cover is not None:
        kind = MP4Cover.FORMAT_PNG if metadata.cover.mime == "image/png" else MP4Cover.FORMAT_JPEG
        tags["covr"] = [MP4Cover(metadata.cover.data, imageformat=kind)]
    if metadata.track is not None:
        tags["trkn"] = [metadata.track]
    opened.save()


def _picture(metadata: Metadata) -> Any:
    """The cover as a FLAC picture block (FLAC files, and base64 in Ogg comments)."""
    from mutagen.flac import Picture

    assert metadata.cover is not None
    picture = Picture()
    picture.type = 3  # front cover
    picture.mime = metadata.cover.mime
    picture.desc = "Cover"
    picture.width, picture.height = metadata.cover.width_px, metadata.cover.height_px
    picture.depth = 24
    picture.data = metadata.cover.data
    return picture


def _vorbis_comments(path: Path, fmt: Format, metadata: Metadata) -> None:
    from mutagen.flac import FLAC
    from mutagen.oggopus import OggOpus
    from mutagen.oggvorbis import OggVorbis

    opened: Any = {"flac": FLAC, "ogg": OggVorbis, "opus": OggOpus}[fmt.name](path)
    if opened.tags is None:  # a FLAC file from libsndfile may have no comment block yet
        opened.add_tags()
    tags: Any = opened.tags
    for key, value in (
        ("TITLE", metadata.title),
        ("ARTIST", metadata.artist),
        ("ALBUM", metadata.album),
        ("GENRE", metadata.genre),
        ("DATE", metadata.year),
        ("COMMENT", metadata.comment),
        ("DESCRIPTION", metadata.comment),
        ("ENCODER", metadata.encoder),
    ):
        tags[key] = [value]
    for number, chapter in enumerate(metadata.chapters, start=1):
        tags[f"CHAPTER{number:03d}"] = [timestamp(chapter.start_s)]
        tags[f"CHAPTER{number:03d}NAME"] = [chapter.title]
    if metadata.track is not None:
        tags["TRACKNUMBER"] = [str(metadata.track[0])]
        tags["TRACKTOTAL"] = [str(metadata.track[1])]
    if metadata.cover is not None:
        if fmt.name == "flac":
            opened.clear_pictures()
            opened.add_picture(_picture(metadata))
        else:
            tags["METADATA_BLOCK_PICTURE"] = [
                base64.b64encode(_picture(metadata).write()).decode("ascii")
            ]
    opened.save()


def _id3(path: Path, metadata: Metadata) -> None:
    from mutagen.id3 import (
        APIC,
        CHAP,
        COMM,
        CTOC,
        ID3,
        TALB,
        TCON,
        TIT2,
        TPE1,
        TRCK,
        TSSE,
        TYER,
        CTOCFlags,
        ID3NoHeaderError,
    )

    try:
        tags = ID3(path)
    except ID3NoHeaderError:
        tags = ID3()
    tags.add(TIT2(encoding=3, text=metadata.title))
    tags.add(TPE1(encoding=3, text=metadata.artist))
    tags.add(TALB(encoding=3, text=metadata.album))
    tags.add(TCON(encoding=3, text=metadata.genre))
    tags.add(TYER(encoding=3, text=metadata.year))
    tags.add(COMM(encoding=3, lang="eng", desc="", text=metadata.comment))
    tags.add(TSSE(encoding=3, text=metadata.encoder))
    if metadata.track is not None:
        tags.add(TRCK(encoding=3, text=f"{metadata.track[0]}/{metadata.track[1]}"))
    if metadata.cover is not None:
        cover = metadata.cover
        tags.add(APIC(encoding=3, mime=cover.mime, type=3, desc="Cover", data=cover.data))
    ids = [f"chp{number}" for number in range(len(metadata.chapters))]
    tags.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
                  sub_frames=[TIT2(encoding=3, text="Steps")]))  # fmt: skip
    for element_id, chapter in zip(ids, metadata.chapters, strict=True):
        tags.add(
            CHAP(
                element_id=element_id,
                start_time=round(chapter.start_s * 1000),
                end_time=round(chapter.end_s * 1000),
                sub_frames=[TIT2(encoding=3, text=chapter.title)],
            )
        )
    tags.save(path, v2_version=3)
    _chapter_frames_in_time_order(path)


def _chapter_frames_in_time_order(path: Path) -> None:
    """mutagen orders frames by size; some readers (ffmpeg among them) list CHAP frames in file
    order, so put them back in time order. Only the frames move; the tag keeps its size."""
    with path.open("r+b") as stream:
        header = stream.read(10)
        if header[:3] != b"ID3" or header[3] != 3:
            return
        size = sum((byte & 0x7F) << (7 * (3 - index)) for index, byte in enumerate(header[6:10]))
        body = stream.read(size)
        frames: list[tuple[bytes, bytes]] = []  # (frame id, whole frame)
        position = 0
        while position + 10 <= len(body) and body[position : position + 4].strip(b"\0"):
            frame_size = struct.unpack(">I", body[position + 4 : position + 8])[0]
            frames.append(
                (body[position : position + 4], body[position : position + 10 + frame_size])
            )
            position += 10 + frame_size
        chapters = [frame for frame_id, frame in frames if frame_id == b"CHAP"]

        def start_ms(frame: bytes) -> int:
            data = frame[10:]
            end_of_id = data.index(b"\0")
            return int(struct.unpack(">I", data[end_of_id + 1 : end_of_id + 5])[0])

        ordered = iter(sorted(chapters, key=start_ms))
        rebuilt = b"".join(
            next(ordered) if frame_id == b"CHAP" else frame for frame_id, frame in frames
        )
        stream.seek(10)
        stream.write(rebuilt)

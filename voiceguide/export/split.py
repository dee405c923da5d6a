"""``--split``: one file per chapter (track n of N, album = the routine's title) cut from one render,
sample for sample, plus an M3U playlist (``.m3u8``, UTF-8), all in a folder of their own. The
encoders' gapless information (the LAME tag in MP3, Opus pre-skip and end trimming, the MP4 edit
list) lets players join the files without a gap."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np

from voiceguide.errors import ExportError, describe_os_error
from voiceguide.export.atomic import atomic_path
from voiceguide.export.encoders import Stream
from voiceguide.export.metadata import ChapterMark, Metadata
from voiceguide.export.session import write_audio
from voiceguide.timetext import whole_seconds
from voiceguide.untrusted import one_line

Progress = Callable[[int, int], None]


def split_folder(target: Path) -> Path:
    """``name.mp3`` -> the folder ``name/`` beside it, where the parts go."""
    return target.with_suffix("")


def split_playlist(target: Path) -> Path:
    return split_folder(target) / f"{target.stem}.m3u8"


def split_paths(target: Path, chapters: int) -> list[Path]:
    """``name.mp3`` -> ``name/name-01.mp3`` ... ``name/name-NN.mp3``, then the playlist
    ``name/name.m3u8``."""
    digits = max(2, len(str(chapters)))
    folder = split_folder(target)
    parts = [
        folder / f"{target.stem}-{number:0{digits}d}{target.suffix}"
        for number in range(1, chapters + 1)
    ]
    return [*parts, split_playlist(target)]


def part_metadata(metadata: Metadata, number: int) -> Metadata:
    """A part's tags: its chapter's title, the routine's title as album, track n/N."""
    chapter = metadata.chapters[number - 1]
    length_s = chapter.end_s - chapter.start_s
    return dataclasses.replace(
        metadata,
        title=chapter.title,
        album=metadata.title,
        chapters=(ChapterMark(0.0, length_s, chapter.title),),
        total_s=length_s,
        track=(number, len(metadata.chapters)),
    )


def write_split(
    target: Path,
    blocks: Iterable[np.ndarray],
    stream: Stream,
    *,
    metadata: Metadata,
    force: bool = False,
    progress: Progress | None = None,
) -> list[Path]:
    """Write every part and the playlist; all appear together at the end, or none do."""
    paths = split_paths(target, len(metadata.chapters))
    total_frames = stream.total_frames
    bounds = [round(chapter.start_s * stream.sample_rate) for chapter in metadata.chapters]
    bounds = [0, *bounds[1:], total_frames]
    source = _Cutter(iter(blocks))
    folder = split_folder(target)
    made = not folder.exists()
    try:
        folder.mkdir(exist_ok=True)
    except OSError as error:
        raise ExportError(f"cannot make the folder {folder}: {describe_os_error(error)}") from None
    with contextlib.ExitStack() as stack:
        if made:
            stack.callback(_remove_if_empty, folder)
        temporaries = [stack.enter_context(atomic_path(path, force=force)) for path in paths]
        for number, temporary in enumerate(temporaries[:-1], start=1):
            start, end = bounds[number - 1], bounds[number]
            tags = part_metadata(metadata, number)
            report = (
                (lambda done, _total, base=start: progress(base + done, total_frames))
                if progress
                else None
            )
            part = dataclasses.replace(stream, total_frames=end - start)
            write_audio(
                temporary, source.take(end - start), part, tags, paths[number - 1].name, report
            )
        temporaries[-1].write_text(_playlist(paths[:-1], metadata), encoding="utf-8")
    return paths


def _remove_if_empty(folder: Path) -> None:
    """A folder made for the parts goes again when the export fails before any part is written."""
    with contextlib.suppress(OSError):
        if not any(folder.iterdir()):
            folder.rmdir()


def _playlist(parts: list[Path], metadata: Metadata) -> str:
    lines = ["#EXTM3U", f"#PLAYLIST:{one_line(metadata.title)}"]
    for part, chapter in zip(parts, metadata.chapters, strict=True):
        lines += [
            f"#EXTINF:{whole_seconds(chapter.end_s - chapter.start_s)},{one_line(chapter.title)}",
            one_line(part.name),
        ]
    return "\n".join(lines) + "\n"


class _Cutter:
    """Hands out consecutive runs of exactly n frames from a stream of blocks of any size."""

    def __init__(self, blocks: Iterator[np.ndarray]) -> None:
        self._blocks = blocks
        self._left: np.ndarray | None = None

    def take(self, frames: int) -> Iterator[np.ndarray]:
        while frames > 0:
            block = self._left if self._left is not None else next(self._blocks, None)
            self._left = None
            if block is None:
                raise ExportError("the session ended before its last chapter")
            if len(block) > frames:
                block, self._left = block[:frames], block[frames:]
            frames -= len(block)
            yield block

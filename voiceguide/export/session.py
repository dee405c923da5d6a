"""Exporting a session: the audio file (encoded as it renders), its tags and chapters, and any
sidecar files — each written to a temporary file beside its target and renamed at the end."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voiceguide.errors import ExportError, OptionError
from voiceguide.export.atomic import atomic_path
from voiceguide.export.encoders import Stream, encode
from voiceguide.export.metadata import Metadata
from voiceguide.export.sidecars import chapters_json, subtitles
from voiceguide.export.tags import write_tags
from voiceguide.routine.vocabulary import SUBTITLE_FORMATS
from voiceguide.timeline import Timeline

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Outputs:
    """What to write besides the audio."""

    subtitles: str | None = None  # srt, vtt or lrc
    chapters_json: bool = False


def sidecar_paths(audio: Path, outputs: Outputs) -> list[Path]:
    paths = []
    if outputs.subtitles:
        if outputs.subtitles not in SUBTITLE_FORMATS:
            raise OptionError(
                f"expected subtitles as {', '.join(SUBTITLE_FORMATS)}, got '{outputs.subtitles}'"
            )
        paths.append(audio.with_suffix(f".{outputs.subtitles}"))
    if outputs.chapters_json:
        paths.append(audio.with_suffix(".chapters.json"))
    return paths


def write_session(
    path: Path,
    blocks: Iterable[np.ndarray],
    stream: Stream,
    *,
    timeline: Timeline,
    metadata: Metadata,
    outputs: Outputs = Outputs(),
    force: bool = False,
    progress: Progress | None = None,
) -> list[Path]:
    """Write the audio and its sidecars; all appear together at the end, or none do."""
    sidecars = sidecar_paths(path, outputs)
    with contextlib.ExitStack() as stack:
        temporary = stack.enter_context(atomic_path(path, force=force))
        side_temporaries = [
            stack.enter_context(atomic_path(side, force=force)) for side in sidecars
        ]
        write_audio(temporary, blocks, stream, metadata, path.name, progress)
        for side, side_temporary in zip(sidecars, side_temporaries, strict=True):
            side_temporary.write_text(_sidecar_text(side, timeline, metadata), encoding="utf-8")
    return [path, *sidecars]


def write_audio(
    temporary: Path,
    blocks: Iterable[np.ndarray],
    stream: Stream,
    metadata: Metadata,
    name: str,
    progress: Progress | None,
) -> None:
    """Encode the blocks into ``temporary`` and write the tags and chapters into it (``name``:
    the file the user will see, for the error)."""
    encode(temporary, blocks, stream, metadata=metadata, progress=progress)
    try:
        write_tags(temporary, stream.fmt, metadata, stream.sample_rate)
    except Exception as error:  # mutagen raises its own errors; any of them is a failed export
        raise ExportError(f"cannot write tags into {name}: {error}") from error


def _sidecar_text(side: Path, timeline: Timeline, metadata: Metadata) -> str:
    if side.name.endswith(".chapters.json"):
        return chapters_json(metadata)
    return subtitles(timeline, side.suffix[1:], metadata.title)

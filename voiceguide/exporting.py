"""One export, the same for ``voiceguide export`` and ``export --all``: check every file it will
write before any work, prepare the session for the format, then write the audio (one file, or one
per chapter with ``--split``), its cover art, tags and sidecars, all atomically."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from voiceguide import api
from voiceguide.errors import OptionError
from voiceguide.export import EncodeOptions as EncodeOptions  # for the CLI's requests
from voiceguide.export import Outputs as Outputs
from voiceguide.export.cover import Cover
from voiceguide.export.session import sidecar_paths
from voiceguide.export.split import split_paths, split_playlist

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """How to export, besides the session's own options."""

    encoding: EncodeOptions = field(default_factory=EncodeOptions)
    outputs: Outputs = field(default_factory=Outputs)
    cover_file: Path | None = None  # the listener's cover; None: a generated one
    split: bool = False  # one file per chapter, and an M3U
    force: bool = False
    # files it may replace without --force: its own earlier export, unchanged since (--update)
    replaceable: frozenset[Path] = frozenset()


@dataclass(frozen=True, slots=True)
class Exported:
    files: tuple[Path, ...]  # the audio file(s), then the sidecars (and the playlist of a split)
    session: api.Session = field(repr=False)
    cover: Cover = field(repr=False)


def refuse_existing(paths: list[Path], *, force: bool) -> None:
    """Say so before any work when a file exists (the writer checks again at the end)."""
    for path in paths:
        if path.exists() and not force:
            raise OptionError(f"{path} already exists (use --force to replace it)")


def refuse_in_the_way(paths: list[Path], request: ExportRequest) -> bool:
    """Refuse a file in the way that the request may not replace; whether the writer must
    replace files (``--force``, or its own earlier export among ``paths``)."""
    refuse_existing(
        [path for path in paths if path not in request.replaceable], force=request.force
    )
    return request.force or any(path in request.replaceable for path in paths)


def refuse_split_sidecars(request: ExportRequest) -> None:
    if request.split and (request.outputs.subtitles or request.outputs.chapters_json):
        raise OptionError(
            "--split writes one file per chapter: --subtitles and --chapters-json go with one file"
        )


def refuse_the_routine(name: str, paths: list[Path]) -> None:
    """Never write over the routine file being read, even with --force."""
    source = Path(name)
    for path in paths:
        same = False
        with contextlib.suppress(OSError):
            same = path.exists() and source.is_file() and source.samefile(path)
        if same:
            raise OptionError(f"{path} is the routine being read; expected another output file")


def planned_paths(target: Path, request: ExportRequest, chapters: int | None = None) -> list[Path]:
    """Every file an export to ``target`` writes (a split's parts once ``chapters`` is known)."""
    sidecars = sidecar_paths(target, request.outputs)
    if request.split:
        parts = split_paths(target, chapters) if chapters is not None else [split_playlist(target)]
        return [*parts, *sidecars]
    return [target, *sidecars]


def feed_request(request: ExportRequest, feed_url: str) -> ExportRequest:
    """A feed's episodes carry JSON chapters and a transcript (WebVTT unless subtitles are chosen)."""
    from voiceguide.export.feed import check_url

    check_url(feed_url)
    if request.split:
        raise OptionError("--feed-url: a feed takes one file per routine, not --split")
    outputs = dataclasses.replace(
        request.outputs, subtitles=request.outputs.subtitles or "vtt", chapters_json=True
    )
    return dataclasses.replace(request, outputs=outputs)


def export_routine(
    name: str,
    target: Path,
    request: ExportRequest,
    options: api.SessionOptions,
    *,
    progress: Progress | None = None,
    prepared: Callable[[api.Session], None] | None = None,
) -> Exported:
    """Export the routine ``name`` (bundled name or file) to ``target``; ``prepared`` is told the
    session before the audio is written (for ``-v``)."""
    refuse_split_sidecars(request)
    session_options = api.session_options_for(target, options, request.encoding)
    force = refuse_in_the_way(planned_paths(target, request), request)
    refuse_the_routine(name, planned_paths(target, request))
    routine = api.load(name)
    cover = api.cover_for(routine, request.cover_file)  # a bad --cover is reported before any work
    session = api.prepare(routine, session_options, progress=progress)
    if prepared:
        prepared(session)
    if request.split:  # the parts, now that their number is known
        force = refuse_in_the_way(
            planned_paths(target, request, len(session.timeline.chapters)), request
        )
    files = api.export(
        session, target, encoding=request.encoding, outputs=request.outputs, force=force,
        progress=progress, cover=cover, split=request.split,
    )  # fmt: skip
    return Exported(tuple(files), session, cover)

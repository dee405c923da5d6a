"""Exporting many routines at once, one process per core, with an M3U playlist of the results and,
with a feed URL, a podcast feed. Progress counts audio seconds rendered across all routines.
With ``update``, a sync: only routines whose bytes would change are written (each routine's key is
kept beside the outputs, :mod:`voiceguide.export.manifest`), and nothing voiceguide did not write is
replaced or removed."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import queue
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voiceguide import api
from voiceguide.errors import OptionError
from voiceguide.export import format_named
from voiceguide.export.manifest import Entry, Manifest, Written, remove, write_if_changed
from voiceguide.export.metadata import export_chapters
from voiceguide.export.split import split_folder
from voiceguide.exporting import (
    ExportRequest,
    export_routine,
    feed_request,
    planned_paths,
    refuse_existing,
    refuse_split_sidecars,
)
from voiceguide.routinefile import bundled_names
from voiceguide.timeline import written_length_s
from voiceguide.timetext import whole_seconds
from voiceguide.untrusted import one_line

PLAYLIST = "voiceguide.m3u8"  # UTF-8 titles: .m3u8

Progress = Callable[[str, int, int], None]
Part = tuple[str, str, float]  # a --split part: its file (from the folder), its title, its length


@dataclass(frozen=True, slots=True)
class BatchReport:
    files: list[Path]  # the sessions' audio files written (all of them, unless updating)
    playlist: Path
    feed: Path | None = None
    unchanged: tuple[Path, ...] = ()  # sessions left as they were (--update)
    shared: tuple[
        Path, ...
    ] = ()  # playlist, feed and covers written (not the ones left as they were)
    removed: tuple[Path, ...] = ()  # files of an earlier export no longer made (--update)

    @property
    def wrote_nothing(self) -> bool:
        return not (self.files or self.shared or self.removed)


@dataclass(frozen=True, slots=True)
class Done:
    """One routine exported, as a worker reports it back."""

    path: Path
    files: tuple[Path, ...]
    title: str
    description: str
    total_s: float
    cover: bytes  # empty: the cover written before is kept
    cover_mime: str
    changed_s: float = 0.0  # when the audio last changed (the feed's date)
    parts: tuple[Part, ...] = ()  # --split: every part, in order (none: the one file at path)


def export_all(
    names: list[str] | None,
    folder: Path,
    *,
    format_name: str,
    request: ExportRequest,
    options: api.SessionOptions,
    feed_url: str | None = None,
    progress: Progress | None = None,
    update: bool = False,
) -> BatchReport:
    """Export ``names`` (default: every bundled routine) into ``folder`` using every core; with
    ``update``, only those whose bytes would change."""
    fmt = format_named(format_name)
    routines = names or list(bundled_names())
    if folder.exists() and not folder.is_dir():
        raise OptionError(f"{folder} is a file; expected a folder for --all")
    refuse_split_sidecars(request)
    if feed_url is not None:
        request = feed_request(request, feed_url)
    targets = [folder / f"{Path(name).stem}{fmt.extensions[0]}" for name in routines]
    if len(set(targets)) != len(targets):
        raise OptionError(
            "two routines would be written to the same file name; export them separately"
        )
    extra = [folder / PLAYLIST]
    if feed_url is not None:
        from voiceguide.export.feed import feed_paths

        extra += feed_paths(folder, targets)
    manifest = Manifest.load(folder)
    keys = [
        _key(name, target, request, options) for name, target in zip(routines, targets, strict=True)
    ]
    todo = [
        index for index, (target, key) in enumerate(zip(targets, keys, strict=True))
        if not (update and manifest.fresh(manifest.relative(target), key))
    ]  # fmt: skip
    planned = [*(p for i in todo for p in planned_paths(targets[i], request)), *extra]
    every = [p for t in targets for p in planned_paths(t, request)]
    if clash := sorted(set(every) & set(extra)):  # never: the program's own names are distinct
        raise OptionError(f"{clash[0].name}: a routine's file would take a name the export needs")
    if not (update or request.force) and any(manifest.ours(p) for p in planned):
        raise OptionError(
            f"{folder} holds an earlier export: use --update to write only what changed "
            "(or --force to replace it all)"
        )
    refuse_existing([p for p in planned if not (update and manifest.ours(p))], force=request.force)
    estimates_s = [_estimate_s(api.load(routines[i]), options) for i in todo]
    folder.mkdir(parents=True, exist_ok=True)
    ours = frozenset(path for path in manifest.files() if manifest.ours(path))
    writing = dataclasses.replace(request, replaceable=ours if update else frozenset())
    done = _run_pool(
        [routines[i] for i in todo], [targets[i] for i in todo], writing, options, estimates_s, progress
    ) if todo else {}  # fmt: skip
    episodes, removed = _record(manifest, targets, keys, done)
    force = request.force or update  # the shared files are refused above unless ours
    shared = _write_playlist(folder, episodes, manifest, force=force)
    feed = None
    if feed_url is not None:
        from voiceguide.export.feed import write_feed

        feed, files = write_feed(folder, episodes, feed_url, force=force)
        for path, wrote in files:
            if path.is_file():
                manifest.note(path)
            if wrote:
                shared.append(path)
    manifest.save()
    written = [split_folder(targets[i]) if request.split else targets[i] for i in todo]
    return BatchReport(
        written, folder / PLAYLIST, feed,
        tuple(target for i, target in enumerate(targets) if i not in todo), tuple(shared), tuple(removed),
    )  # fmt: skip


def _key(name: str, target: Path, request: ExportRequest, options: api.SessionOptions) -> str:
    """What the routine's export depends on (the routine read, its engine and voice chosen)."""
    from voiceguide.preparing.identity import file_digest

    cover = request.cover_file
    extra = repr((target.suffix, request.encoding, request.outputs, request.split))
    extra += file_digest(cover) if cover is not None and cover.is_file() else ""
    return api.session_key(name, api.session_options_for(target, options, request.encoding), extra)


def _now_s() -> float:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return float(epoch) if epoch and epoch.isdigit() else time.time()


def _record(
    manifest: Manifest, targets: list[Path], keys: list[str], done: dict[Path, Done]
) -> tuple[list[Done], list[Path]]:
    """Every routine's episode (as exported now, or as the manifest remembers it), the manifest
    brought up to date; and the files of earlier exports no longer made, removed."""
    # this run's episodes dated a second apart, the first newest; never before 1970
    now_s, episodes, removed = max(_now_s(), float(len(targets))), [], []
    for number, (target, key) in enumerate(zip(targets, keys, strict=True), start=1):
        name = manifest.relative(target)
        if target not in done:
            entry = manifest.entries[name]
            files = tuple(manifest.folder / file for file in entry.files)
            episodes.append(Done(
                target, files, entry.title, entry.description, entry.total_s, b"", entry.cover_mime,
                entry.changed_s, entry.parts,
            ))  # fmt: skip
            continue
        exported = done[target]
        written = {manifest.relative(path): Written.of(path) for path in exported.files}
        audio = [part for part, _, _ in exported.parts] or [name]
        before = manifest.entries.get(name)
        same = before is not None and all(
            file in before.files and before.files[file].sha256 == written[file].sha256
            for file in audio
        )
        changed_s = before.changed_s if before is not None and same else now_s - number
        stale = manifest.record(name, Entry(
            key, written, changed_s, exported.title, exported.description, exported.total_s,
            exported.cover_mime, exported.parts,
        ))  # fmt: skip
        remove(stale, manifest.folder)
        removed += stale
        episodes.append(dataclasses.replace(exported, changed_s=changed_s))
    return episodes, removed


def _write_playlist(
    folder: Path, episodes: list[Done], manifest: Manifest, *, force: bool
) -> list[Path]:
    lines = ["#EXTM3U"]
    for episode in episodes:
        for file, title, length_s in episode.parts or [
            (episode.path.name, episode.title, episode.total_s)
        ]:
            shown = title if not episode.parts else f"{episode.title}: {title}"
            lines += [f"#EXTINF:{whole_seconds(length_s)},{one_line(shown)}", one_line(file)]
    playlist = folder / PLAYLIST
    data = ("\n".join(lines) + "\n").encode("utf-8")
    wrote = write_if_changed(playlist, data, force=force)
    manifest.note(playlist)
    return [playlist] if wrote else []


def _estimate_s(routine: Any, options: api.SessionOptions) -> float:
    """The session's length before it is planned (corrected when its worker reports)."""
    if options.minutes:
        return options.minutes * 60
    return written_length_s(routine)


def _run_pool(
    routines: list[str],
    targets: list[Path],
    request: ExportRequest,
    options: api.SessionOptions,
    estimates_s: list[float],
    progress: Progress | None,
) -> dict[Path, Done]:
    workers = max(1, min(len(routines), os.cpu_count() or 1))
    context = multiprocessing.get_context("spawn")  # fresh workers: nothing inherited half-started
    reports: Any = context.Queue()
    pool = context.Pool(processes=workers, initializer=_worker_start, initargs=(reports,))
    rendered_s = [0.0] * len(routines)
    totals_s = list(estimates_s)
    lines: dict[int, tuple[int, int]] = {}  # routine -> (lines spoken, lines to speak)
    done: dict[Path, Done] = {}
    try:
        jobs = [
            pool.apply_async(_export_one, (index, name, target, request, options))
            for index, (name, target) in enumerate(zip(routines, targets, strict=True))
        ]
        while len(done) < len(jobs):
            for index, stage, amount, total in _drain(reports):
                if targets[index] in done:  # a late report of a finished routine
                    continue
                if stage == "speaking":
                    lines[index] = (round(amount), round(total))
                else:
                    rendered_s[index], totals_s[index] = amount, total
            for index, job in enumerate(jobs):
                if targets[index] not in done and job.ready():
                    done[targets[index]] = result = job.get()  # raises the worker's error here
                    rendered_s[index] = totals_s[index] = result.total_s
            if progress and any(rendered_s):  # the bar (and its ETA) starts with the first audio
                progress("exporting", round(sum(rendered_s)), round(sum(totals_s)))
            elif progress and lines:  # before that, the lines spoken so far, one by one
                spoken = [sum(counts) for counts in zip(*lines.values(), strict=True)]
                progress("speaking", spoken[0], spoken[1])
            elif progress:
                progress("preparing", 0, len(routines))
        pool.close()
    except BaseException:
        pool.terminate()  # an error, Ctrl-C or SIGTERM: the other exports stop too (their partial files go)
        raise
    finally:
        pool.join()
    return done


def _drain(reports: Any) -> list[tuple[int, str, float, float]]:
    """Every progress report waiting (after waiting a moment for the first)."""
    found = []
    try:
        found.append(reports.get(timeout=0.25))
        while True:
            found.append(reports.get_nowait())
    except queue.Empty:
        return found


_reports: Any = None  # in a worker: the queue its progress goes to


def _worker_start(reports: Any) -> None:
    """In a worker, SIGTERM unwinds like Ctrl-C, so its temporary file is removed."""
    global _reports
    _reports = reports
    signal.signal(signal.SIGTERM, _raise_exit)


def _raise_exit(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _export_one(
    index: int, name: str, target: Path, request: ExportRequest, options: api.SessionOptions
) -> Done:
    rate: list[int] = []

    def report(stage: str, done: int, total: int) -> None:
        if _reports is None:
            return
        if stage == "speaking":
            _reports.put((index, stage, done, total))
        elif stage == "rendering" and rate:
            _reports.put((index, stage, done / rate[0], total / rate[0]))

    exported = export_routine(
        name, target, request, options, progress=report,
        prepared=lambda session: rate.append(session.mix.sample_rate),
    )  # fmt: skip
    routine, cover, timeline = exported.session.routine, exported.cover, exported.session.timeline
    chapters = export_chapters(timeline) if request.split else ()  # as the parts are cut
    parts = tuple(
        (path.relative_to(target.parent).as_posix(), chapter.title, chapter.end_s - chapter.start_s)
        for path, chapter in zip(exported.files[: len(chapters)], chapters, strict=True)
    )  # (a split's files: its parts, then its playlist)
    return Done(
        target, exported.files, exported.session.title, routine.description,
        timeline.total_s, cover.data, cover.mime, parts=parts,
    )  # fmt: skip

"""Exporting many routines at once, one process per core, with an M3U playlist of the results and,
with a feed URL, a podcast feed. Progress counts audio seconds rendered across all routines."""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voiceguide import api
from voiceguide.errors import OptionError
from voiceguide.export import atomic_path, format_named
from voiceguide.exporting import (
    ExportRequest,
    export_routine,
    feed_request,
    planned_paths,
    refuse_existing,
)
from voiceguide.routinefile import bundled_names
from voiceguide.timeline import written_length_s
from voiceguide.timetext import whole_seconds
from voiceguide.untrusted import one_line

PLAYLIST = "voiceguide.m3u"

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class BatchReport:
    files: list[Path]
    playlist: Path
    feed: Path | None = None


@dataclass(frozen=True, slots=True)
class Done:
    """One routine exported, as a worker reports it back."""

    path: Path
    files: tuple[Path, ...]
    title: str
    description: str
    total_s: float
    cover: bytes
    cover_mime: str


def export_all(
    names: list[str] | None,
    folder: Path,
    *,
    format_name: str,
    request: ExportRequest,
    options: api.SessionOptions,
    feed_url: str | None = None,
    progress: Progress | None = None,
) -> BatchReport:
    """Export ``names`` (default: every bundled routine) into ``folder`` using every core."""
    fmt = format_named(format_name)
    routines = names or list(bundled_names())
    if folder.exists() and not folder.is_dir():
        raise OptionError(f"{folder} is a file; expected a folder for --all")
    if request.split:
        raise OptionError("--split goes with one routine: export them one by one")
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
    planned = [p for t in targets for p in planned_paths(t, request)]
    if clash := sorted(set(planned) & set(extra)):  # never: the program's own names are distinct
        raise OptionError(f"{clash[0].name}: a routine's file would take a name the export needs")
    refuse_existing([*planned, *extra], force=request.force)
    estimates_s = [
        _estimate_s(api.load(name), options) for name in routines
    ]  # checks every routine first
    folder.mkdir(parents=True, exist_ok=True)
    done = _run_pool(routines, targets, request, options, estimates_s, progress)
    playlist = folder / PLAYLIST
    with atomic_path(playlist, force=True) as temporary:
        lines = ["#EXTM3U"]
        for target in targets:
            lines += [
                f"#EXTINF:{whole_seconds(done[target].total_s)},{one_line(done[target].title)}",
                one_line(target.name),
            ]
        temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    feed = None
    if feed_url is not None:
        from voiceguide.export.feed import write_feed

        feed = write_feed(
            folder, [done[target] for target in targets], feed_url, force=request.force
        )
    return BatchReport(targets, playlist, feed)


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
    done: dict[Path, Done] = {}
    try:
        jobs = [
            pool.apply_async(_export_one, (index, name, target, request, options))
            for index, (name, target) in enumerate(zip(routines, targets, strict=True))
        ]
        while len(done) < len(jobs):
            for index, seconds, total_s in _drain(reports):
                if targets[index] not in done:  # not a late report of a finished routine
                    rendered_s[index], totals_s[index] = seconds, total_s
            for index, job in enumerate(jobs):
                if targets[index] not in done and job.ready():
                    done[targets[index]] = result = job.get()  # raises the worker's error here
                    rendered_s[index] = totals_s[index] = result.total_s
            if progress and any(rendered_s):  # the bar (and its ETA) starts with the first audio
                progress("exporting", round(sum(rendered_s)), round(sum(totals_s)))
            elif progress:
                progress("preparing", 0, len(routines))
        pool.close()
    except BaseException:
        pool.terminate()  # an error, Ctrl-C or SIGTERM: the other exports stop too (their partial files go)
        raise
    finally:
        pool.join()
    return done


def _drain(reports: Any) -> list[tuple[int, float, float]]:
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

    def report(stage: str, frames: int, total_frames: int) -> None:
        if stage == "rendering" and rate and _reports is not None:
            _reports.put((index, frames / rate[0], total_frames / rate[0]))

    exported = export_routine(
        name, target, request, options, progress=report,
        prepared=lambda session: rate.append(session.mix.sample_rate),
    )  # fmt: skip
    routine, cover = exported.session.routine, exported.cover
    return Done(
        target, exported.files, routine.title, routine.description,
        exported.session.timeline.total_s, cover.data, cover.mime,
    )  # fmt: skip

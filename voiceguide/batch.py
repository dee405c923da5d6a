"""Exporting many routines at once, one process per core, with an M3U playlist of the results."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from voiceguide import api
from voiceguide.errors import OptionError
from voiceguide.export import EncodeOptions, Outputs, atomic_path, format_named
from voiceguide.routine import bundled_names

PLAYLIST = "voiceguide.m3u"

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class BatchReport:
    files: list[Path]
    playlist: Path


@dataclass(frozen=True, slots=True)
class _Done:
    path: Path
    title: str
    total_s: float


def export_all(
    names: list[str] | None,
    folder: Path,
    *,
    format_name: str,
    encoding: EncodeOptions,
    outputs: Outputs,
    force: bool,
    options: api.SessionOptions,
    progress: Progress | None = None,
) -> BatchReport:
    """Export ``names`` (default: every bundled routine) into ``folder`` using every core."""
    fmt = format_named(format_name)
    routines = names or list(bundled_names())
    if folder.exists() and not folder.is_dir():
        raise OptionError(f"{folder} is a file; expected a folder for --all")
    folder.mkdir(parents=True, exist_ok=True)
    targets = [folder / f"{Path(name).stem}{fmt.extensions[0]}" for name in routines]
    if len(set(targets)) != len(targets):
        raise OptionError(
            "two routines would be written to the same file name; export them separately"
        )
    for target in [*targets, folder / PLAYLIST]:
        if target.exists() and not force:
            raise OptionError(f"{target} already exists (use --force to replace it)")
    for name in routines:  # every routine is checked before any work starts
        api.load(name)
    done: dict[Path, _Done] = {}
    workers = max(1, min(len(routines), os.cpu_count() or 1))
    if progress:
        progress("exporting", 0, len(routines))
    context = multiprocessing.get_context("spawn")  # fresh workers: nothing inherited half-started
    pool = context.Pool(processes=workers, initializer=_worker_signals)
    try:
        jobs = [
            pool.apply_async(_export_one, (name, target, encoding, outputs, force, options))
            for name, target in zip(routines, targets, strict=True)
        ]
        for job in jobs:
            result = job.get()
            done[result.path] = result
            if progress:
                progress("exporting", len(done), len(routines))
        pool.close()
    except BaseException:
        pool.terminate()  # an error, Ctrl-C or SIGTERM: the other exports stop too (their partial files go)
        raise
    finally:
        pool.join()
    playlist = folder / PLAYLIST
    with atomic_path(playlist, force=True) as temporary:
        lines = ["#EXTM3U"]
        for target in targets:
            item = done[target]
            lines += [f"#EXTINF:{round(item.total_s)},{item.title}", target.name]
        temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return BatchReport(targets, playlist)


def _worker_signals() -> None:
    """In a worker, SIGTERM unwinds like Ctrl-C, so its temporary file is removed."""
    signal.signal(signal.SIGTERM, _raise_exit)


def _raise_exit(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _export_one(
    name: str,
    target: Path,
    encoding: EncodeOptions,
    outputs: Outputs,
    force: bool,
    options: api.SessionOptions,
) -> _Done:
    session = api.prepare(api.load(name), api.session_options_for(target, options, encoding))
    api.export(session, target, encoding=encoding, outputs=outputs, force=force)
    return _Done(target, session.routine.title, session.timeline.total_s)

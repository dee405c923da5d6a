"""Exporting many routines at once, one process per core, with an M3U playlist of the results."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ProcessPoolExecutor, wait
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
    done: dict[Path, _Done] = {}
    workers = max(1, min(len(routines), os.cpu_count() or 1))
    if progress:
        progress("exporting", 0, len(routines))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures: set[Future[_Done]] = {
            pool.submit(_export_one, name, target, encoding, outputs, force, options)
            for name, target in zip(routines, targets, strict=True)
        }
        while futures:
            finished, futures = wait(futures, return_when=FIRST_EXCEPTION)
            for future in finished:
                error = future.exception()
                if error is not None:
                    for other in futures:
                        other.cancel()
                    raise error
                result = future.result()
                done[result.path] = result
                if progress:
                    progress("exporting", len(done), len(routines))
    playlist = folder / PLAYLIST
    with atomic_path(playlist, force=True) as temporary:
        lines = ["#EXTM3U"]
        for target in targets:
            item = done[target]
            lines += [f"#EXTINF:{round(item.total_s)},{item.title}", target.name]
        temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return BatchReport(targets, playlist)


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

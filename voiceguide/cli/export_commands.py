"""``voiceguide export`` (one routine, or ``--all`` of them) and ``voiceguide script``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from voiceguide import timetext
from voiceguide.cli.base import Bars, cli, prepared_and_told, tell
from voiceguide.cli.options import options_from, session_options
from voiceguide.errors import OptionError
from voiceguide.routine import vocabulary

if TYPE_CHECKING:
    from voiceguide import api


@cli.command()
@click.argument("routines", nargs=-1)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="The file to write (.wav .flac .mp3 .ogg .opus .m4a .m4b), or a folder with --all.",
)
@click.option(
    "--all",
    "every",
    is_flag=True,
    help="Export every bundled routine (or every ROUTINE given) into a folder.",
)
@click.option(
    "--format",
    "format_name",
    help="The format when OUTPUT is a folder or not given (default: wav; mp3 with --all).",
)
@click.option(
    "--bitrate",
    "kbps",
    type=click.IntRange(8, 512),
    help="Lossy formats: kbit/s (spoken-word defaults).",
)
@click.option(
    "--sample-rate",
    type=click.Choice([str(rate) for rate in vocabulary.EXPORT_SAMPLE_RATES]),
    help="Samples per second.",
)
@click.option("--mono", is_flag=True, help="One channel (a smaller file for phone speakers).")
@click.option(
    "--subtitles",
    type=click.Choice(vocabulary.SUBTITLE_FORMATS),
    help="Also write each spoken line with its times.",
)
@click.option("--chapters-json", is_flag=True, help="Also write Podcasting 2.0 JSON chapters.")
@click.option(
    "--cover", "cover_file", type=click.Path(path_type=Path),
    help="A PNG or JPEG to embed as cover art (default: one generated from the title).",
)  # fmt: skip
@click.option("--split", is_flag=True, help="One file per chapter (track n/N), and an M3U.")
@click.option(
    "--feed-url", help="With --all: also write feed.xml, a podcast feed served from this URL."
)
@click.option(
    "--update", is_flag=True,
    help="With --all: write only the routines whose files would change (a sync); keep the rest.",
)  # fmt: skip
@click.option("--force", is_flag=True, help="Replace files that exist.")
@session_options
def export(
    routines: tuple[str, ...], output: Path | None, every: bool, format_name: str | None,
    kbps: int | None, sample_rate: str | None, mono: bool, subtitles: str | None,
    chapters_json: bool, cover_file: Path | None, split: bool, feed_url: str | None, update: bool,
    force: bool, **options: Any,
) -> None:  # fmt: skip
    """Render ROUTINE (a bundled name or a .yaml file; default bedtime-hands) to an audio file."""
    from voiceguide.exporting import EncodeOptions, ExportRequest, Outputs

    encoding = EncodeOptions(kbps, int(sample_rate) if sample_rate else None, mono)
    request = ExportRequest(encoding, Outputs(subtitles, chapters_json), cover_file, split, force)
    if every:
        _export_all(
            routines,
            output,
            format_name or "mp3",
            request,
            feed_url,
            options_from(**options),
            update,
        )
    elif feed_url or update or len(routines) > 1:
        raise OptionError("--feed-url, --update and several ROUTINEs go with --all")
    else:
        _export_one(
            routines[0] if routines else vocabulary.DEFAULT_ROUTINE,
            output,
            format_name,
            request,
            options_from(**options),
        )


def _export_one(
    routine: str,
    output: Path | None,
    format_name: str | None,
    request: Any,
    options: api.SessionOptions,
) -> None:
    from voiceguide.exporting import export_routine

    target = output or Path(f"{Path(routine).stem}.{format_name or 'wav'}")
    if target.is_dir():
        target = target / f"{Path(routine).stem}.{format_name or 'wav'}"
    bars = Bars()
    try:
        done = export_routine(routine, target, request, options, progress=bars, prepared=tell)
    finally:
        bars.close()
    timeline, session = done.session.timeline, done.session
    wrote = f"{len(done.files) - 1} files and {done.files[-1]}" if request.split else done.files[0]
    extra = (
        f"; also {', '.join(map(str, done.files[1:]))}"
        if len(done.files) > 1 and not request.split
        else ""
    )
    click.echo(
        f"wrote {wrote} ({timetext.duration(timeline.total_s)}, {len(timeline.chapters)} chapters, "
        f"voice {session.voice} via {session.engine}){extra}"
    )


def _export_all(
    routines: tuple[str, ...],
    output: Path | None,
    format_name: str,
    request: Any,
    feed_url: str | None,
    options: api.SessionOptions,
    update: bool,
) -> None:
    from voiceguide.batch import export_all

    bars = Bars()
    try:
        report = export_all(
            list(routines) or None, output or Path(), format_name=format_name, request=request,
            options=options, feed_url=feed_url, progress=bars, update=update,
        )  # fmt: skip
    finally:
        bars.close()
    sessions = len(report.files) + len(report.unchanged)
    if report.wrote_nothing:
        click.echo(
            f"nothing to write: the {sessions} sessions in {output or Path()} are up to date"
        )
        return
    for path in report.files:
        split = f"/ (one file per chapter, and {path.name}.m3u8)" if request.split else ""
        click.echo(f"wrote {path}{split}")
    for path in report.shared:
        click.echo(f"wrote {path}")
    for path in report.removed:
        click.echo(f"removed {path} (from an earlier export)")
    if report.unchanged:
        click.echo(f"left {len(report.unchanged)} of {sessions} sessions as they were (up to date)")
    if report.feed is not None and report.feed in report.shared:
        click.echo(f"(serve the folder at {feed_url})")


@cli.command()
@click.argument("routine", default=vocabulary.DEFAULT_ROUTINE)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
    help="The script to write: .md (Markdown) or .html (to print).",
)  # fmt: skip
@click.option(
    "--cover", "cover_file", type=click.Path(path_type=Path),
    help="A PNG or JPEG to show at the top of an HTML script (default: the generated cover).",
)  # fmt: skip
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
@session_options
def script(
    routine: str, output: Path, cover_file: Path | None, force: bool, **options: Any
) -> None:
    """Write a printable, timed script of ROUTINE for reading aloud in time with the session."""
    from voiceguide import api

    if output.suffix.lower() not in (".md", ".html", ".htm"):  # before any speaking
        raise OptionError(
            f"cannot write '{output.name}': expected a file name ending in .md or .html"
        )
    session = prepared_and_told(routine, options_from(**options))
    api.write_script(session, output, cover_file=cover_file, force=force)
    click.echo(f"wrote {output} ({len(session.timeline.chapters)} chapters)")

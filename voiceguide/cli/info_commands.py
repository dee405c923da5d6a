"""The commands that look and check: show, list, soundscapes, voices, validate, cache."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from voiceguide import timetext
from voiceguide.cli.base import State, cli, error_lines, prepared_and_told, say
from voiceguide.cli.options import options_from, session_options
from voiceguide.errors import VoiceguideError
from voiceguide.routine import vocabulary

if TYPE_CHECKING:
    from voiceguide import api

MAX_PROBLEMS = 20  # lines per file, then how many more


@cli.command()
@click.argument("routine", default=vocabulary.DEFAULT_ROUTINE)
@click.option("--json", "as_json", is_flag=True, help="Print the timeline as JSON.")
@session_options
def show(routine: str, as_json: bool, **options: Any) -> None:
    """Print the timed script of ROUTINE: start time, step, and what is said."""
    from voiceguide import api

    session = prepared_and_told(routine, options_from(**options))
    if as_json:
        import json

        click.echo(json.dumps(session.timeline.as_dict(), indent=2))
    else:
        click.echo(api.describe_timeline(session.timeline))


@cli.group()
def cache() -> None:
    """Show or free the cache of spoken clips and loudness measurements."""


@cache.command(name="info")
def cache_info() -> None:
    """Where the cache is, and how much it holds."""
    from voiceguide import api

    usage = api.cache_usage()
    click.echo(f"{usage.folder}: {usage.files} files, {usage.size_bytes / 1e6:.1f} MB "
               f"(limit {usage.limit.described})")  # fmt: skip
    for kind, files, size in usage.by_kind:
        click.echo(f"  {kind:<9} {files:>6} files  {size / 1e6:8.1f} MB")


@cache.command(name="clear")
def cache_clear() -> None:
    """Delete everything in the cache (it fills again as sessions are made)."""
    from voiceguide import api

    click.echo(f"removed {api.clear_cache()} files")


@cli.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def list_command(as_json: bool) -> None:
    """List the bundled routines: length, audience, language, the voice that speaks each (with
    your settings), and title."""
    from voiceguide import api

    summaries = api.list_routines(options_from())
    if as_json:
        import json

        click.echo(json.dumps([asdict(summary) for summary in summaries], indent=2))
        return
    width = max(len(summary.name) for summary in summaries)
    voice_width = max(len(f"{summary.engine} {summary.voice}") for summary in summaries)
    for summary in summaries:
        voice = f"{summary.engine} {summary.voice}"
        click.echo(
            f"{summary.name:<{width}}  {timetext.duration(summary.length_s):>5}  {summary.audience:<7}  "
            f"{summary.language:<5}  {voice:<{voice_width}}  {summary.title}"
        )


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--no-speech",
    is_flag=True,
    help="Check the file's structure only, without speaking it to time each step.",
)
@session_options
def validate(files: tuple[Path, ...], no_speech: bool, **options: Any) -> None:
    """Check routine FILES; each problem is reported as file:line: field: message, all in one run."""
    from voiceguide import api

    failed = 0
    for path in files:
        try:
            checked = api.check_routine(str(path), options_from(**options), speech=not no_speech)
        except VoiceguideError as error:
            if error.exit_code != 2 or State.debug:
                raise
            say(error_lines(error))
            failed += 1
            continue
        failed += _report(path, checked)
    if failed:
        sys.exit(2)


def _report(path: Path, checked: api.Checked) -> int:
    """Print a file's warnings and its problems (or ok); 1 if it has problems."""
    for note in checked.warnings:
        say(f"warning: {note}")
    if checked.ok and checked.routine is not None:
        routine = checked.routine
        click.echo(f"ok: {path} ({routine.title}, {len(routine.steps)} steps)")
        return 0
    if State.debug:
        raise checked.problems[0]
    for problem in checked.problems[:MAX_PROBLEMS]:
        say(error_lines(problem))
    if len(checked.problems) > MAX_PROBLEMS:
        more = len(checked.problems) - MAX_PROBLEMS
        say(f"error: {path}: and {more} more problems not shown")
    return 1


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the soundscapes as JSON.")
def soundscapes(as_json: bool) -> None:
    """List the bundled soundscapes (for --soundscape or a routine's soundscape.name)."""
    from voiceguide import api

    found = api.soundscapes()
    if as_json:
        import json

        click.echo(json.dumps([asdict(info) for info in found], indent=2))
        return
    width = max(len(info.name) for info in found)
    for info in found:
        click.echo(f"{info.name:<{width}}  {info.kind:<7}  {info.description}")


@cli.command()
@click.option(
    "--engine",
    type=click.Choice(vocabulary.ENGINE_NAMES),
    help="Only this engine's voices (default: the neural voices, if installed, and eSpeak NG's).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the voices as JSON.")
@click.option("--sample", "sample", metavar="NAME", help="Say a short line in voice NAME.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
    help="With --sample: write the line to this file (.wav, .flac, .ogg, .mp3) instead of playing it.",
)  # fmt: skip
@click.option(
    "--rate",
    "rate_wpm",
    type=click.IntRange(*vocabulary.RATE_WPM),
    help="With --sample: words a minute.",
)
@click.option("--force", is_flag=True, help="With -o: replace an existing file.")
@click.option(
    "--backend",
    type=click.Choice(vocabulary.BACKEND_NAMES),
    help="With --sample: the sound backend.",
)
def voices(
    engine: str | None, as_json: bool, sample: str | None, output: Path | None,
    rate_wpm: int | None, force: bool, backend: str | None,
) -> None:  # fmt: skip
    """List the voices an engine offers (for --voice or a routine's voice.name), or say a line in
    one of them (--sample NAME)."""
    from voiceguide import api

    if sample is None:
        if output is not None or rate_wpm is not None:
            raise click.UsageError("-o and --rate go with --sample NAME")
        _list_voices(engine, as_json)
        return
    said = api.voice_sample(sample, engine=engine, rate_wpm=rate_wpm)
    where = f'{said.engine} voice {said.voice} ({said.language}): "{said.text}"'
    if output is not None:
        api.write_voice_sample(said, output, force=force)
        say(f"wrote {output}: {where}, {said.duration_s:.1f} s")
    else:
        from voiceguide.player import play_clip

        device = play_clip(said.samples, said.sample_rate, backend)
        say(f"played on {device}: {where}")


def _list_voices(engine: str | None, as_json: bool) -> None:
    from voiceguide import api

    found = api.voices(engine)
    if as_json:
        import json

        click.echo(json.dumps([asdict(voice) for voice in found], indent=2))
        return
    for voice in found:
        click.echo(f"{voice.engine:<7} {voice.name:<24} {voice.language:<12} {voice.description}")

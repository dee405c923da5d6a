"""The commands that look and check: show, list, soundscapes, voices, validate, cache."""

from __future__ import annotations

import json
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
    pass


@cli.command()
@click.argument("routine", default=vocabulary.DEFAULT_ROUTINE)
@click.option("--json", "as_json", is_flag=True, help="Print the timeline as JSON.")
@session_options
def show(routine: str, as_json: bool, **options: Any) -> None:
    """Print the timed script of ROUTINE: start time, step, and what is said."""
    from voiceguide import api

    session = prepared_and_told(routine, options_from(**options))
    if as_json:
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
    """Check routine FILES; each problem is reported as file:line: field: message."""
    from voiceguide import api

    failed = 0
    for path in files:
        try:
            routine = api.load(str(path))
            for note in api.recording_warnings(routine, options_from(**options)):
                say(f"warning: {note}")
            if not no_speech:
                api.prepare(routine, options_from(**options))
        except VoiceguideError as error:
            if error.exit_code != 2 or State.debug:
                raise
            say(error_lines(error))
            failed += 1
        else:
            click.echo(f"ok: {path} ({routine.title}, {len(routine.steps)} steps)")
    if failed:
        sys.exit(2)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the soundscapes as JSON.")
def soundscapes(as_json: bool) -> None:
    """List the bundled soundscapes (for --soundscape or a routine's soundscape.name)."""
    from voiceguide import api

    found = api.soundscapes()
    if as_json:
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
def voices(engine: str | None, as_json: bool) -> None:
    """List the voices an engine offers (for --voice or a routine's voice.name)."""
    from voiceguide import api

    found = api.voices(engine)
    if as_json:
        click.echo(json.dumps([asdict(voice) for voice in found], indent=2))
        return
    for voice in found:
        click.echo(f"{voice.engine:<7} {voice.name:<24} {voice.language:<12} {voice.description}")

"""The command line: a thin layer that parses options, calls :mod:`voiceguide.api`, and prints.

Errors: a :class:`VoiceguideError` becomes one line on stderr and exit code 2 (bad input) or 1
(runtime failure); a traceback only with ``--debug``.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

import click

from voiceguide import __version__, api
from voiceguide.errors import OptionError, VoiceguideError
from voiceguide.routine import DEFAULT_ROUTINE
from voiceguide.routine.durations import format_duration
from voiceguide.routine.load import ENGINE_NAMES

F = TypeVar("F", bound=Callable[..., Any])


class _State:
    debug = False
    verbose = False


def _say(message: str) -> None:
    click.echo(message, err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="voiceguide")
@click.option("--debug", is_flag=True, help="Show a traceback when something fails.")
@click.option(
    "-v", "--verbose", is_flag=True, help="Say which engine and voice were chosen, and why."
)
def cli(debug: bool, verbose: bool) -> None:
    """Guided sessions from routine scripts: spoken, timed, and fully offline."""
    _State.debug = debug
    _State.verbose = verbose


class _Loudness(click.ParamType):  # type: ignore[type-arg]  # generic only in newer click
    name = "loudness"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        from voiceguide.routine.model import LOUDNESS_PRESETS

        if isinstance(value, float):
            return value
        if str(value) in LOUDNESS_PRESETS:
            return LOUDNESS_PRESETS[str(value)]
        try:
            level = float(value)
        except ValueError:
            self.fail(
                f"expected spoken, sleep, or a level in LUFS from -35 to -10, got {value!r}",
                param,
                ctx,
            )
        if not -35 <= level <= -10:
            self.fail(f"expected a level in LUFS from -35 to -10, got {level:g}", param, ctx)
        return level


def session_options(command: F) -> F:
    """The options that shape a session, shared by export, show and validate."""
    options = [
        click.option(
            "--engine",
            type=click.Choice(ENGINE_NAMES),
            help="Speech engine (default: the routine's, else a neural voice for its language when "
            "one is installed, else espeak).",
        ),
        click.option(
            "--voice", help="Voice name, e.g. en_US-joe-medium or en-us+f3 ('voiceguide voices')."
        ),
        click.option(
            "--voice-model",
            type=click.Path(dir_okay=False, path_type=Path),
            help="A Piper voice model file (NAME.onnx, with NAME.onnx.json beside it).",
        ),
        click.option(
            "--rate",
            "rate_wpm",
            type=click.IntRange(80, 450),
            help="Speaking rate in words per minute.",
        ),
        click.option("--pitch", type=click.IntRange(0, 99), help="Voice pitch, 0-99 (eSpeak NG)."),
        click.option(
            "--minutes",
            type=click.FloatRange(0, 360, min_open=True),
            help="Stretch or shrink the silences so the guided part lasts this long.",
        ),
        click.option(
            "--soundscape",
            help="A bundled soundscape ('voiceguide soundscapes'), an audio file, or none.",
        ),
        click.option(
            "--soundscape-gain",
            "soundscape_gain_db",
            type=click.FloatRange(-40, -6),
            help="The soundscape's level against the voice, in dB (default -18).",
        ),
        click.option("--breathing", help="Breath tones: 4-7-8, box, coherent, calm, or none."),
        click.option(
            "--breathing-during",
            type=click.Choice(["all", "edges"]),
            help="Breath tones under every step, or the first and last only (default).",
        ),
        click.option(
            "--chime", type=click.Choice(["bell", "bowl", "none"]), help="The chime between steps."
        ),
        click.option(
            "--loudness",
            "loudness_lufs",
            type=_Loudness(),
            help="spoken (-16 LUFS, the default), sleep (-20), or a level in LUFS.",
        ),
        click.option(
            "--recordings",
            type=click.Path(file_okay=False, path_type=Path),
            help="A folder of recorded lines (STEP.wav, STEP-left.wav, STEP-prompt1.wav, ...) used instead of TTS.",
        ),
        click.option(
            "--linger",
            "linger_minutes",
            type=click.FloatRange(0, 120),
            help="Minutes the soundscape goes on after the last words, fading out over its last minute.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _options(**values: Any) -> api.SessionOptions:
    return api.SessionOptions(**values)


class _Bars:
    """Progress bars on stderr for long work, shown only on a terminal."""

    def __init__(self) -> None:
        self.stage: str | None = None
        self.bar: Any = None
        self.shown = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not sys.stderr.isatty():
            return
        if stage != self.stage:
            self.close()
            self.stage, self.shown = stage, 0
            self.bar = click.progressbar(
                length=total, label=stage.capitalize().ljust(10), file=sys.stderr
            )
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _prepare(
    routine_name: str, options: api.SessionOptions, bars: _Bars | None = None
) -> api.Session:
    session = api.prepare(api.load(routine_name), options, progress=bars)
    _tell(session)
    return session


def _tell(session: api.Session, early: str = "") -> None:
    """With --verbose: which engine and voice, and how loud (measured on ``early`` only, if set)."""
    if not _State.verbose:
        return
    _say(f"engine: {session.engine} ({session.engine_reason}); voice: {session.voice}")
    leveling = session.leveling
    note = " (held back by the true-peak ceiling)" if leveling.peak_limited else ""
    on = f" on {early}" if early else ""
    _say(
        f"soundscape: {session.soundscape or 'none'}; loudness: measured {leveling.measured_lufs:.1f} LUFS{on}, "
        f"{leveling.gain_db:+.1f} dB to {leveling.result_lufs:.1f} LUFS (target {leveling.target_lufs:.1f}){note}"
    )


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
    type=click.Choice(["22050", "32000", "44100", "48000"]),
    help="Samples per second.",
)
@click.option("--mono", is_flag=True, help="One channel (a smaller file for phone speakers).")
@click.option(
    "--subtitles",
    type=click.Choice(["srt", "vtt", "lrc"]),
    help="Also write each spoken line with its times.",
)
@click.option("--chapters-json", is_flag=True, help="Also write Podcasting 2.0 JSON chapters.")
@click.option("--force", is_flag=True, help="Replace files that exist.")
@session_options
def export(
    routines: tuple[str, ...],
    output: Path | None,
    every: bool,
    format_name: str | None,
    kbps: int | None,
    sample_rate: str | None,
    mono: bool,
    subtitles: str | None,
    chapters_json: bool,
    force: bool,
    **options: Any,
) -> None:
    """Render ROUTINE (a bundled name or a .yaml file; default bedtime-hands) to an audio file."""
    from voiceguide.export import EncodeOptions, Outputs

    encoding = EncodeOptions(kbps, int(sample_rate) if sample_rate else None, mono)
    outputs = Outputs(subtitles, chapters_json)
    if every:
        _export_all(
            routines, output, format_name or "mp3", encoding, outputs, force, _options(**options)
        )
        return
    if len(routines) > 1:
        raise OptionError("expected one ROUTINE (use --all to export several)")
    routine = routines[0] if routines else DEFAULT_ROUTINE
    target = output or Path(f"{Path(routine).stem}.{format_name or 'wav'}")
    if target.is_dir():
        target = target / f"{Path(routine).stem}.{format_name or 'wav'}"
    session_options = api.session_options_for(
        target, _options(**options), encoding
    )  # checks the format
    if target.exists() and not force:  # say so before any work; the writer checks again at the end
        raise OptionError(f"{target} already exists (use --force to replace it)")
    bars = _Bars()
    try:
        session = _prepare(routine, session_options, bars)
        written = api.export(
            session, target, encoding=encoding, outputs=outputs, force=force, progress=bars
        )
    finally:
        bars.close()
    timeline = session.timeline
    extra = f"; also {', '.join(str(path) for path in written[1:])}" if len(written) > 1 else ""
    click.echo(
        f"wrote {target} ({format_duration(timeline.total_s)}, {len(timeline.chapters)} chapters, "
        f"voice {session.voice} via {session.engine}){extra}"
    )


def _export_all(
    routines: tuple[str, ...],
    output: Path | None,
    format_name: str,
    encoding: Any,
    outputs: Any,
    force: bool,
    options: api.SessionOptions,
) -> None:
    from voiceguide.batch import export_all

    folder = output or Path()
    names = list(routines) or None
    bars = _Bars()
    try:
        report = export_all(
            names, folder, format_name=format_name, encoding=encoding, outputs=outputs, force=force,
            options=options, progress=bars,
        )  # fmt: skip
    finally:
        bars.close()
    for path in report.files:
        click.echo(f"wrote {path}")
    click.echo(f"wrote {report.playlist} ({len(report.files)} sessions)")


@cli.command()
@click.argument("routine", default=DEFAULT_ROUTINE)
@click.option("--json", "as_json", is_flag=True, help="Print the timeline as JSON.")
@session_options
def show(routine: str, as_json: bool, **options: Any) -> None:
    """Print the timed script of ROUTINE: start time, step, and what is said."""
    from voiceguide.timeline import format_timeline

    session = _prepare(routine, _options(**options))
    if as_json:
        click.echo(json.dumps(session.timeline.as_dict(), indent=2))
    else:
        click.echo(format_timeline(session.timeline))


@cli.command()
@click.argument("routine", default=DEFAULT_ROUTINE)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
    help="The script to write: .md (Markdown) or .html (to print).",
)  # fmt: skip
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
@session_options
def script(routine: str, output: Path, force: bool, **options: Any) -> None:
    """Write a printable, timed script of ROUTINE for reading aloud in time with the session."""
    from voiceguide.export import atomic_path
    from voiceguide.export.script import script_html, script_markdown

    suffix = output.suffix.lower()
    if suffix not in (".md", ".html", ".htm"):
        raise OptionError(
            f"cannot write '{output.name}': expected a file name ending in .md or .html"
        )
    session = _prepare(routine, _options(**options))
    render = script_markdown if suffix == ".md" else script_html
    with atomic_path(output, force=force) as temporary:
        temporary.write_text(render(session.routine, session.timeline), encoding="utf-8")
    click.echo(f"wrote {output} ({len(session.timeline.chapters)} chapters)")


@cli.command()
@click.argument("routine", default=DEFAULT_ROUTINE)
@click.option(
    "--backend",
    type=click.Choice(["miniaudio", "simpleaudio", "null"]),
    help="Where the sound goes.",
)
@click.option("--quiet", is_flag=True, help="No status line.")
@click.option(
    "--prompter",
    is_flag=True,
    help="No synthesized voice: show each line, large, to read aloud in time.",
)
@click.option(
    "--listen",
    is_flag=True,
    help="Voice commands: pause, continue, next, back, repeat, louder, softer, stop (offline).",
)
@session_options
def play(
    routine: str, backend: str | None, quiet: bool, prompter: bool, listen: bool, **options: Any
) -> None:
    """Play ROUTINE. Keys: space pause/resume (or go on at a hold), right/n next step, left/p back,
    r repeat the step, up/down or +/- volume, q or Ctrl-C stop."""
    from voiceguide.player import PlaybackError, PlayOptions, play_routine

    def tell(session: api.Session, early_s: str) -> None:
        _tell(session, early=f"the first {float(early_s):.1f} s" if early_s else "")
        if early_s and _State.verbose:
            _say(f"early start: the rest is spoken while the first {early_s} s play")

    chosen = PlayOptions(backend, quiet, prompter, listen=listen)
    try:
        report = play_routine(api.load(routine), _options(**options), chosen, tell)
    except PlaybackError as error:
        name = Path(routine).stem
        raise PlaybackError(
            f"{error}; to listen later, try: voiceguide export {routine} -o {name}.mp3"
        ) from None
    if _State.verbose and report.backend:
        _say(f"backend: {report.backend} ({report.why}); device: {report.device}")
        if report.media_buttons:
            _say(report.media_buttons)
    if not quiet:
        _say(report.closing)
    if report.interrupted:
        sys.exit(130)


@cli.group()
def cache() -> None:
    """Show or free the cache of spoken clips and loudness measurements."""


@cache.command(name="info")
def cache_info() -> None:
    """Where the cache is, and how much it holds."""
    from voiceguide.speech.cache import DEFAULT_LIMIT_MB, cache_usage

    usage = cache_usage()
    click.echo(f"{usage.folder}: {usage.files} files, {usage.size_bytes / 1e6:.1f} MB "
               f"(limit {os.environ.get('VOICEGUIDE_CACHE_MAX_MB', DEFAULT_LIMIT_MB)} MB)")  # fmt: skip
    for kind, files, size in usage.by_kind:
        click.echo(f"  {kind:<9} {files:>6} files  {size / 1e6:8.1f} MB")


@cache.command(name="clear")
def cache_clear() -> None:
    """Delete everything in the cache (it fills again as sessions are made)."""
    from voiceguide.speech.cache import clear_cache

    click.echo(f"removed {clear_cache()} files")


@cli.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def list_command(as_json: bool) -> None:
    """List the bundled routines with their length and audience."""
    summaries = api.list_routines()
    if as_json:
        click.echo(json.dumps([asdict(summary) for summary in summaries], indent=2))
        return
    width = max(len(summary.name) for summary in summaries)
    for summary in summaries:
        click.echo(
            f"{summary.name:<{width}}  {format_duration(summary.length_s):>5}  {summary.audience:<7}  {summary.title}"
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
    failed = 0
    for path in files:
        try:
            routine = api.load(str(path))
            if not no_speech:
                api.prepare(routine, _options(**options))
        except VoiceguideError as error:
            if error.exit_code != 2 or _State.debug:
                raise
            _say(f"error: {error}")
            failed += 1
        else:
            click.echo(f"ok: {path} ({routine.title}, {len(routine.steps)} steps)")
    if failed:
        sys.exit(2)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the soundscapes as JSON.")
def soundscapes(as_json: bool) -> None:
    """List the bundled soundscapes (for --soundscape or a routine's soundscape.name)."""
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
    type=click.Choice(ENGINE_NAMES),
    help="Only this engine's voices (default: the neural voices, if installed, and eSpeak NG's).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the voices as JSON.")
def voices(engine: str | None, as_json: bool) -> None:
    """List the voices an engine offers (for --voice or a routine's voice.name)."""
    found = api.voices(engine)
    if as_json:
        click.echo(json.dumps([asdict(voice) for voice in found], indent=2))
        return
    for voice in found:
        click.echo(f"{voice.engine:<7} {voice.name:<24} {voice.language:<12} {voice.description}")


class Terminated(BaseException):
    """SIGTERM or SIGHUP, raised like Ctrl-C so that every ``finally`` (the terminal, temporary
    files, helper processes) runs."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and turn errors into one line and an exit code."""
    on_main_thread = threading.current_thread() is threading.main_thread()
    signals = [signal.SIGTERM, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])]
    previous = (
        {signum: signal.signal(signum, _on_sigterm) for signum in signals} if on_main_thread else {}
    )
    try:
        _run(argv)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _run(argv: list[str] | None) -> None:
    try:
        cli.main(args=argv, prog_name="voiceguide", standalone_mode=False)
    except click.ClickException as error:
        hint = " (see 'voiceguide --help')" if isinstance(error, click.UsageError) else ""
        _say(f"error: {error.format_message()}{hint}")
        sys.exit(error.exit_code)
    except click.Abort:
        _say("interrupted")
        sys.exit(130)
    except KeyboardInterrupt:
        _say("interrupted")
        sys.exit(130)
    except Terminated:
        _say("terminated")
        sys.exit(143)
    except VoiceguideError as error:
        if _State.debug:
            raise
        _say(f"error: {error}")
        sys.exit(error.exit_code)
    except Exception as error:
        if _State.debug:
            raise
        _say(
            f"internal error: {type(error).__name__}: {error} (run with --debug for the traceback)"
        )
        sys.exit(1)

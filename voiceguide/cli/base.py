"""What every command shares: the ``voiceguide`` group, its ``--debug`` and ``-v``, lines on
stderr, progress bars, and ``-v``'s account of how a session was made."""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
from typing import TYPE_CHECKING, Any

import click

from voiceguide import __version__
from voiceguide.errors import VoiceguideError

if TYPE_CHECKING:
    from voiceguide import api


class OutputClosedError(Exception):
    """The reader of our standard output went away (``voiceguide list | head -c1``): the rest of
    the output is not wanted, which is not an error."""


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # click itself would exit 1 and say nothing
            raise OutputClosedError from None


class State:
    debug = False
    verbose = False
    own_process = False  # run as the command (not called by a program that goes on)


def leave(code: int) -> None:
    """End with ``code`` once every ``finally`` has run. In the command's own process, at once
    after the exit handlers, without the interpreter's teardown, which took 0.5 to 0.8 s after a
    session (freeing its memory, a library's threads): SIGTERM and Ctrl-C stop a session within a
    second."""
    if State.own_process:
        with contextlib.suppress(Exception):
            atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)
    sys.exit(code)


def error_lines(error: VoiceguideError) -> str:
    """``error: ...`` on every line (a routine with several mistakes has one line each)."""
    return "\n".join(f"error: {line}" for line in str(error).splitlines())


def say(message: str) -> None:
    """A line on stderr; a stderr that cannot be written (``2>/dev/full``) never fails a command."""
    with contextlib.suppress(OSError, ValueError):
        click.echo(message, err=True)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="voiceguide")
@click.option("--debug", is_flag=True, help="Show a traceback when something fails.")
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Say which engine and voice were chosen and why, and where each setting came from.",
)
def cli(debug: bool, verbose: bool) -> None:
    """Guided sessions from routine scripts: spoken, timed, and fully offline."""
    State.debug = debug
    State.verbose = verbose


class Bars:
    """Progress bars on stderr for long work; where stderr is not a terminal, one line a step
    (at most one a second) with the time left, measured from the work done so far."""

    def __init__(self) -> None:
        from voiceguide.pace import Lines

        self.stage: str | None = None
        self.bar: Any = None
        self.shown = 0
        self.lines = Lines(say)

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not sys.stderr.isatty():
            self.lines(stage, done, total)
            return
        if stage != self.stage:
            self.close()
            self.stage, self.shown = stage, 0
            self.bar = click.progressbar(
                length=total, label=stage.capitalize().ljust(10), file=sys.stderr
            )
            self.bar.__enter__()
        self.bar.length = (
            total  # export --all: estimates become real lengths as routines are planned
        )
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def prepared_and_told(
    routine_name: str, options: api.SessionOptions, bars: Bars | None = None
) -> api.Session:
    from voiceguide import api

    session = api.prepare(api.load(routine_name), options, progress=bars)
    tell(session)
    return session


def tell(session: api.Session, early: str = "") -> None:
    """With --verbose: which engine and voice, and how loud (measured on ``early`` only, if set)."""
    if not State.verbose:
        return
    say(f"engine: {session.engine} ({session.engine_reason}); voice: {session.voice}")
    for line in session.origins:
        say(f"  {line}")
    for note in session.recording_notes:
        say(note)
    leveling = session.leveling
    note = " (held back by the true-peak ceiling)" if leveling.peak_limited else ""
    on = f" on {early}" if early else ""
    say(
        f"soundscape: {session.soundscape or 'none'}; loudness: measured {leveling.measured_lufs:.1f} LUFS{on}, "
        f"{leveling.gain_db:+.1f} dB to {leveling.result_lufs:.1f} LUFS (target {leveling.target_lufs:.1f}){note}"
    )

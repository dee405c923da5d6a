"""``voiceguide play`` and ``voiceguide record``: the session heard, and the caregiver's own voice."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from voiceguide.cli.base import State, cli, leave, say, tell
from voiceguide.cli.options import options_from, session_options
from voiceguide.routine import vocabulary

if TYPE_CHECKING:
    from voiceguide import api


@cli.command()
@click.argument("routine", default=vocabulary.DEFAULT_ROUTINE)
@click.option(
    "--backend",
    type=click.Choice(vocabulary.BACKEND_NAMES),
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
@click.option("--resume", is_flag=True, help="Go on where this routine was last stopped.")
@click.option("--from", "from_step", metavar="STEP", help="Start at STEP: its id or number.")
@click.option(
    "--remote", type=click.Choice(vocabulary.REMOTE_MODES), is_flag=False,
    flag_value=vocabulary.REMOTE_MODES[0],
    help="The prompter and the controls on a web page for a phone: --remote (this machine) or "
    "--remote lan (the local network). Shows a link and a QR code; play begins when it opens.",
)  # fmt: skip
@session_options
def play(
    routine: str, backend: str | None, quiet: bool, prompter: bool, listen: bool,
    remote: str | None, resume: bool, from_step: str | None, **options: Any,
) -> None:  # fmt: skip
    """Play ROUTINE. Keys: space pause/resume (or go on at a hold), right/n next step, left/p back,
    r repeat the step, up/down or +/- volume, q or Ctrl-C stop."""
    from voiceguide import api
    from voiceguide.player import PlaybackError, PlayOptions, Resuming, play_routine

    chosen = PlayOptions(backend, quiet, prompter, listen=listen, remote=remote)
    try:
        where = Resuming.of(routine, resume, from_step)
        report = play_routine(api.load(routine), options_from(**options), chosen, _told, where)
    except PlaybackError as error:
        hint = f"voiceguide export {routine} -o {Path(routine).stem}.mp3"
        raise PlaybackError(f"{error}; to listen later, try: {hint}") from None
    if State.verbose and report.backend:
        say(f"backend: {report.backend} ({report.why}); device: {report.device}")
        if report.media_buttons:
            say(report.media_buttons)
    if not quiet:
        say(report.closing)
    if report.interrupted:
        leave(130)


def _told(session: api.Session, early_s: str) -> None:
    """With -v: the session's engine, voice and loudness, and an early start's length."""
    tell(session, early=f"the first {float(early_s):.1f} s" if early_s else "")
    if early_s and State.verbose:
        say(f"early start: the rest is spoken while the first {early_s} s play")


@cli.command()
@click.argument("routine", default=vocabulary.DEFAULT_ROUTINE)
@click.option(
    "--into", "folder", type=click.Path(file_okay=False, path_type=Path),
    help="The recordings folder (default: the routine's own relative recordings folder, else ./NAME-voice).",
)  # fmt: skip
@click.option("--line", "only", help="Record this line (or this step's lines) again.")
def record(routine: str, folder: Path | None, only: str | None) -> None:
    """Record ROUTINE in your own voice, line by line, from the default microphone. Keys: k keep,
    r retake, p back, s skip, q quit. Run it again to go on where you stopped."""
    from voiceguide import api
    from voiceguide.record.recorder import default_folder
    from voiceguide.record.recorder import record as record_lines

    chosen = api.load(routine)
    folder = folder or default_folder(chosen)
    summary = record_lines(chosen, folder, only)
    click.echo(f"{summary.line()} in {folder}")
    click.echo(f"play it: voiceguide play {routine} --recordings {folder}")

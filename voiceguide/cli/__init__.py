"""The command line: a thin layer that parses options, calls :mod:`voiceguide.api` (and the
player's, the recorder's and the exporter's entries), and prints.

Errors: a :class:`VoiceguideError` becomes one line on stderr and exit code 2 (bad input) or 1
(runtime failure); a traceback only with ``--debug``. The commands live in ``*_commands.py``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading

import click

from voiceguide.cli import config_commands, export_commands, info_commands, play_commands
from voiceguide.cli.base import OutputClosedError, State, cli, error_lines, leave, say
from voiceguide.errors import VoiceguideError

__all__ = ["cli", "config_commands", "export_commands", "info_commands", "main", "play_commands"]


EXIT_GRACE_S = 5.0  # after Ctrl-C, how long the interpreter's own shutdown may take


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
    State.own_process = argv is None
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
        say(f"error: {error.format_message()}{hint}")
        sys.exit(error.exit_code)
    except (click.Abort, KeyboardInterrupt):
        say("interrupted")
        _exit_within(130)
    except Terminated:
        say("terminated")
        _exit_within(143)
    except OutputClosedError:  # nothing more to write there, and nothing to flush at exit either
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except VoiceguideError as error:
        if State.debug:
            raise
        say(error_lines(error))
        sys.exit(error.exit_code)
    except OSError as error:  # our own output: `> /dev/full`, a closed pipe
        if State.debug:
            raise
        from voiceguide.errors import describe_os_error

        what = error.filename or "the command's output"
        say(f"error: cannot write {what}: {describe_os_error(error)}")
        sys.exit(1)
    except Exception as error:
        if State.debug:
            raise
        say(f"internal error: {type(error).__name__}: {error} (run with --debug for the traceback)")
        sys.exit(1)


def _exit_within(code: int) -> None:
    """Exit with ``code`` now that every ``finally`` has run (temporary files are gone), and make
    sure it happens: if a library's thread or exit handler holds the interpreter's shutdown up for
    more than :data:`EXIT_GRACE_S`, the process ends anyway. Ctrl-C always ends the program (in
    the command's own process at once: :func:`leave`)."""
    if State.own_process:
        leave(code)
    watchdog = threading.Timer(EXIT_GRACE_S, os._exit, args=(code,))
    watchdog.daemon = True
    watchdog.start()
    sys.exit(code)

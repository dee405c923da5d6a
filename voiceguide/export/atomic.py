"""Write a file so that it appears whole or not at all: a temporary file beside it, renamed at the end."""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from voiceguide.errors import ExportError, OptionError


def _new_file_mode(destination: Path) -> int:
    """The mode a plain ``open()`` would give: the replaced file's, else 0666 less the umask."""
    try:
        return destination.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def atomic_path(destination: Path, *, force: bool) -> Iterator[Path]:
    """Yield a temporary path in ``destination``'s folder; on success it replaces ``destination``.

    Any exception (Ctrl-C included) removes the temporary file and leaves the folder as it was.
    """
    if destination.exists() and not force:
        raise OptionError(f"{destination} already exists (use --force to replace it)")
    if destination.is_dir():
        raise OptionError(f"{destination} is a folder; expected a file name")
    folder = destination.parent
    if not folder.is_dir():
        raise OptionError(
            f"{folder} does not exist; expected an existing folder for {destination.name}"
        )
    _remove_stale_partials(destination)
    try:
        handle, name = tempfile.mkstemp(
            dir=folder, prefix=f".{destination.name}.", suffix=".partial"
        )
    except OSError as error:
        raise ExportError(f"cannot write in {folder}: {error.strerror}") from None
    temporary = Path(name)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(
                handle, _new_file_mode(destination)
            )  # mkstemp makes 0600; an export is an ordinary file
        _lock(
            handle
        )  # held until the end: a later run can tell a live export from a killed one's leftovers
        yield temporary
        temporary.replace(destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        os.close(handle)


def _lock(handle: int) -> None:
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; leftovers are not cleaned up there
        return
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _remove_stale_partials(destination: Path) -> None:
    """Delete temporary files that a killed export of ``destination`` left behind (unlocked ones)."""
    try:
        import fcntl
    except ImportError:
        return
    for leftover in destination.parent.glob(f".{glob.escape(destination.name)}.*.partial"):
        try:
            descriptor = os.open(leftover, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # another export is writing it right now
        else:
            leftover.unlink(missing_ok=True)
        finally:
            os.close(descriptor)

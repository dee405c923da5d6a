"""Write a file so that it appears whole or not at all: a temporary file beside it, renamed at the end."""

from __future__ import annotations

import contextlib
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
    try:
        handle, name = tempfile.mkstemp(
            dir=folder, prefix=f".{destination.name}.", suffix=".partial"
        )
    except OSError as error:
        raise ExportError(f"cannot write in {folder}: {error.strerror}") from None
    if hasattr(os, "fchmod"):
        os.fchmod(
            handle, _new_file_mode(destination)
        )  # mkstemp makes 0600; an export is an ordinary file
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        temporary.replace(destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise

"""The files of a recordings folder: regular files inside it. A symbolic link that leads out of
the folder is refused (a shared folder must not read the files around it); FIFOs, devices and
sub-folders are not recordings and are left out unopened."""

from __future__ import annotations

import stat
from pathlib import Path

from voiceguide.errors import InputError


def recording_files(folder: Path) -> list[str]:
    """The names of the regular files in ``folder``, sorted; an error names a link leading out."""
    inside = folder.resolve()
    names = []
    for path in sorted(folder.iterdir()):
        try:
            mode = path.stat().st_mode
        except OSError:
            continue  # a dangling link: not a recording
        if not stat.S_ISREG(mode):
            continue
        if path.is_symlink() and not path.resolve().is_relative_to(inside):
            raise InputError(
                f"{path}: expected a recording inside {folder}, got a symbolic link leading out of it"
            )
        names.append(path.name)
    return names

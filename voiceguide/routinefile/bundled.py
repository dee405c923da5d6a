"""The routines shipped inside the package, and finding a routine by bundled name or path."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from voiceguide.errors import InputError
from voiceguide.routine.model import Routine
from voiceguide.routine.vocabulary import DEFAULT_ROUTINE
from voiceguide.routinefile.load import load_routine, parse_routine

_SUFFIX = ".yaml"


def bundled_names() -> tuple[str, ...]:
    """Names of the bundled routines, the default first, the rest in alphabetical order."""
    folder = resources.files("voiceguide.routine") / "bundled"  # package data beside the model
    names = sorted(
        item.name[: -len(_SUFFIX)] for item in folder.iterdir() if item.name.endswith(_SUFFIX)
    )
    return tuple(sorted(names, key=lambda name: name != DEFAULT_ROUTINE))


def load_bundled(name: str) -> Routine:
    resource = resources.files("voiceguide.routine") / "bundled" / f"{name}{_SUFFIX}"
    return parse_routine(resource.read_bytes(), source=f"{name}{_SUFFIX}", name=name)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long for the file system, say
        return False


def find_routine(name_or_path: str) -> Routine:
    """A bundled routine by name, or a routine file by path (a path wins when both exist)."""
    path = Path(name_or_path)
    if _is_file(path):
        return load_routine(path)
    if name_or_path in bundled_names():
        return load_bundled(name_or_path)
    if path.suffix or "/" in name_or_path:
        return load_routine(path)  # reports the missing or unreadable file
    raise InputError(
        f"no bundled routine named '{name_or_path}' and no such file; "
        f"bundled routines: {', '.join(bundled_names())}"
    )

"""Every mistake in a routine file beside the routine made of what is right in it, so that
``validate`` can check the timing of the right parts in the same run."""

from __future__ import annotations

from pathlib import Path

from voiceguide.errors import RoutineError
from voiceguide.routine.model import Routine
from voiceguide.routinefile.load import read_tree
from voiceguide.routinefile.yamlnodes import file_bytes


def check_routine_file(
    path: Path, *, source: str | None = None
) -> tuple[Routine | None, list[RoutineError]]:
    """:func:`check_routine` for a file (a file that cannot be read is the one mistake)."""
    shown = source or str(path)
    try:
        data = file_bytes(path, shown)
    except RoutineError as error:
        return None, [error]
    return check_routine(data, source=shown, name=path.stem, folder=str(path.parent))


def check_routine(
    data: bytes, *, source: str, name: str, folder: str = "."
) -> tuple[Routine | None, list[RoutineError]]:
    """Like :func:`parse_routine`, but every mistake is returned beside the routine made of what
    is right in the file: the steps read without a mistake, the other fields where they are right
    (so that timing can be checked in the same run). ``None`` when no step can be read."""
    try:
        routine, reader = read_tree(data, source=source, name=name, folder=folder, lenient=True)
    except RoutineError as error:  # the file is not YAML, or is too deep
        return None, [error]
    return routine, sorted(reader.problems, key=lambda error: error.line or 0)

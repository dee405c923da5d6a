"""Routine files: YAML read safely into the :mod:`voiceguide.routine` model, every mistake a located
error (``file:line: field: expected ...``), and the routines bundled with voiceguide."""

from voiceguide.routine.vocabulary import DEFAULT_ROUTINE
from voiceguide.routinefile.bundled import (
    bundled_names,
    find_routine,
    load_bundled,
)
from voiceguide.routinefile.load import load_routine, parse_routine

__all__ = [
    "DEFAULT_ROUTINE",
    "bundled_names",
    "find_routine",
    "load_bundled",
    "load_routine",
    "parse_routine",
]

"""``validate``: every mistake in a routine in one run. The file's structure is checked first; its
timing is then checked on every part that is right: what needs no speech (written pauses,
breathing, holds against the step's length) always, and with speech what the voice's clip lengths
decide (a breathing word longer than its phase, a line the voice says nothing for)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from voiceguide.errors import InputError, RoutineError, RoutineProblemsError
from voiceguide.preparing.model import SessionOptions
from voiceguide.preparing.pipeline import prepare
from voiceguide.preparing.settings import resolve
from voiceguide.preparing.voicing import recordings_lookup
from voiceguide.routine import Routine
from voiceguide.routinefile import find_routine
from voiceguide.routinefile.checking import check_routine_file
from voiceguide.timeline import fixed_time_problems


@dataclass(frozen=True, slots=True)
class Checked:
    routine: Routine | None  # the routine as far as it is right (None: no step could be read)
    problems: tuple[InputError, ...]  # located mistakes in file order, then any others
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


def check_routine(name_or_path: str, options: SessionOptions, *, speech: bool = True) -> Checked:
    """Every problem of a routine file (or bundled name); ``speech``: also time it with the voice."""
    path = Path(name_or_path)
    if path.is_file():
        routine, found = check_routine_file(path)
    else:
        routine, found = find_routine(name_or_path), []  # a bundled name, or the file's error
    problems: list[InputError] = list(found)
    if routine is None:
        return Checked(None, tuple(problems))
    warnings: tuple[str, ...] = ()
    try:
        warnings = tuple(recording_warnings(routine, options))
    except InputError as error:
        problems.append(error)
    fixed = fixed_time_problems(routine)
    problems += fixed
    places = {(error.line, error.field) for error in fixed}
    timed = tuple(
        step for step in routine.steps if (step.where.line, step.where.field) not in places
    )
    if speech and timed:
        problems += _spoken_problems(dataclasses.replace(routine, steps=timed), options)
    return Checked(routine, _ordered(problems), warnings)


def recording_warnings(routine: Routine, options: SessionOptions) -> list[str]:
    """Stale takes and files that match no line, one sentence each."""
    found = recordings_lookup(routine, resolve(routine, options))
    if found is None:
        return []
    return [note for note in found[1].describe() if not note.startswith("recording: ")]


def _spoken_problems(routine: Routine, options: SessionOptions) -> list[InputError]:
    try:
        prepare(routine, options)
    except RoutineProblemsError as error:
        return list(error.errors)
    except InputError as error:
        return [error]
    return []


def _ordered(problems: list[InputError]) -> tuple[InputError, ...]:
    """Located mistakes by line (each once), then the rest."""
    seen: set[str] = set()
    unique = []
    for problem in problems:
        if str(problem) not in seen:
            seen.add(str(problem))
            unique.append(problem)
    located = sorted(
        (p for p in unique if isinstance(p, RoutineError)), key=lambda p: (p.line or 0, p.field)
    )
    return (*located, *(p for p in unique if not isinstance(p, RoutineError)))

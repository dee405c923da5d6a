"""Where each routine was stopped, kept for ``play --resume``; and where ``--from STEP`` begins.

One small JSON file in the platform's state folder (``VOICEGUIDE_STATE_DIR`` overrides it): per
routine, the step it stopped in and how far into that step, at the start of the line being
spoken then (so a resumed line is heard whole). Written atomically; a file that cannot be read
is treated as empty, one that cannot be written is skipped (a place is a convenience)."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from voiceguide.errors import OptionError
from voiceguide.routine import Routine
from voiceguide.timeline import Timeline
from voiceguide.timetext import duration

STATE_VARIABLE = "VOICEGUIDE_STATE_DIR"
FILE_NAME = "places.json"
MAX_BYTES = 1 << 20
MAX_PLACES = 200  # routines remembered; the oldest go first


@dataclass(frozen=True, slots=True)
class Place:
    step_id: str
    chapter: int  # the chapter's index (a step played on each hand has two)
    in_step_s: float
    title: str  # the chapter's title, to say where it goes on
    at_s: float  # where that was in the session it was stopped in

    def start_s(self, timeline: Timeline) -> float:
        """The same place in ``timeline`` (its step may have moved: other options, an edit)."""
        chapters = timeline.chapters
        same = [c for c in chapters if c.step_id == self.step_id]
        if not same:
            return 0.0
        chapter = next((c for c in same if c.index == self.chapter), same[0])
        return chapter.start_s + min(self.in_step_s, max(0.0, chapter.end_s - chapter.start_s))


def place_in(timeline: Timeline, position_s: float) -> Place | None:
    """Where ``position_s`` is, moved back to the start of the line spoken there; None before the
    first step or after the last (nothing to go on with)."""
    if not timeline.chapters or position_s >= timeline.steps_end_s:
        return None
    for event in timeline.events:
        if event.start_s <= position_s < event.end_s:
            position_s = event.start_s
            break
    chapter = timeline.chapters[timeline.chapter_at(position_s)]
    if position_s < chapter.start_s:
        return None
    return Place(
        chapter.step_id, chapter.index, position_s - chapter.start_s, chapter.title, position_s
    )


def step_named(routine: Routine, step: str) -> str:
    """The id of the step ``--from STEP`` names: its id, or its number (1 is the first)."""
    ids = [s.id for s in routine.steps]
    if step.isdigit() and 1 <= int(step) <= len(ids):
        return ids[int(step) - 1]
    if step in ids:
        return step
    raise OptionError(
        f"--from: expected a step of {routine.title} (1 to {len(ids)}, or one of "
        f"{', '.join(ids)}), got '{step}'"
    )


def step_start_s(timeline: Timeline, step_id: str) -> float:
    """Where the step ``step_id`` begins (its first chapter)."""
    return next((c.start_s for c in timeline.chapters if c.step_id == step_id), 0.0)


def state_dir() -> Path:
    configured = os.environ.get(STATE_VARIABLE)
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_state_dir("voiceguide"))


def load_place(routine_key: str) -> Place | None:
    entry = _read().get(routine_key)
    if entry is None:
        return None
    try:
        return Place(
            str(entry["step_id"]), int(entry["chapter"]), float(entry["in_step_s"]),
            str(entry["title"]), float(entry["at_s"]),
        )  # fmt: skip
    except (TypeError, KeyError, ValueError):
        return None


def save_place(routine_key: str, place: Place | None) -> None:
    """Keep ``place`` for the routine (None: forget it, the routine was played to its end)."""
    places = _read()
    places.pop(routine_key, None)
    if place is not None:
        places[routine_key] = asdict(place)
    kept = dict(list(places.items())[-MAX_PLACES:])
    folder = state_dir()
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".places-", dir=folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(kept, out, ensure_ascii=False, indent=1)
            Path(temporary).replace(folder / FILE_NAME)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _read() -> dict[str, Any]:
    path = state_dir() / FILE_NAME
    if not path.is_file():  # (nor a FIFO, which would never answer)
        return {}
    try:
        with path.open("rb") as handle:
            data = json.loads(handle.read(MAX_BYTES + 1)[:MAX_BYTES] or b"{}")
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(key): value for key, value in data.items() if isinstance(value, dict)}


def routine_key(name: str) -> str:
    """How a routine is remembered: a file by its full path, a bundled routine by its name."""
    path = Path(name)
    return str(path.resolve()) if path.is_file() else name


def where_to_start(
    routine: Routine, key: str, *, resume: bool, from_step: str | None
) -> tuple[Callable[[Timeline], float] | None, str]:
    """Where play begins (None: the top), and the line that says so (or, without ``--resume``,
    that there is a place to go on from)."""
    if resume and from_step is not None:
        raise OptionError("give --resume or --from, not both")
    if from_step is not None:
        step_id = step_named(routine, from_step)
        return (lambda timeline: step_start_s(timeline, step_id)), ""
    place = load_place(key)
    if place is None:
        return None, "nothing to go on from: playing from the start" if resume else ""
    if not resume:
        return None, f"stopped last time in {place.title}: add --resume to go on from there"
    return place.start_s, f"going on in {place.title}, {duration(place.in_step_s)} in"


@dataclass(frozen=True, slots=True)
class Resuming:
    """What ``play`` was asked about where to begin, for a routine remembered as ``key``."""

    key: str
    resume: bool = False
    from_step: str | None = None

    @classmethod
    def of(cls, name: str, resume: bool, from_step: str | None) -> Resuming:
        return cls(routine_key(name), resume, from_step)

    def start(self, routine: Routine) -> tuple[Callable[[Timeline], float] | None, str]:
        return where_to_start(routine, self.key, resume=self.resume, from_step=self.from_step)

    def remember(self, place: Place | None, completed: bool) -> None:
        """Keep where play stopped (a stop before the first step keeps the place kept before), or
        forget it when the routine was played to its end."""
        if completed or place is not None:
            save_place(self.key, place)

"""Every line a routine speaks, in session order, with the name its recording takes.

The names are the ones the player looks for (``--recordings``): ``STEP`` for a step's opening
words (``STEP-right`` / ``STEP-left`` when they differ between the hands), ``STEP-switch`` for the
words that start the left-hand round, ``STEP-promptN`` for the Nth prompt (one recording serves
both hands' rounds).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from voiceguide.routine import Audience, Hand, Routine, Speech, Step
from voiceguide.routine.text import split_segments
from voiceguide.routine.words import SideWords


@dataclass(frozen=True, slots=True)
class RecordedLine:
    """One line to record: its file name (without extension), the step, and the words."""

    name: str
    step_id: str
    text: str  # the words as spoken, pause marks left out: what a recording must say
    shown: str  # the same words with each written pause shown as "..." (for the reader)
    per_hand: tuple[str, ...] = ()  # also played: one hand's own recording of the same words


def routine_lines(routine: Routine) -> tuple[RecordedLine, ...]:
    """Every line to record, in the order the session speaks them; each name once (a prompt is
    recorded in the first hand's round and serves both)."""
    lines: dict[str, RecordedLine] = {}
    for step in routine.steps:
        side = routine.words.side(step.side)
        per_side = _per_side(step, side)
        for hand in step.hands:
            if hand is Hand.LEFT:
                switch = step.switch_text or routine.words.switch_line(
                    step.side, routine.audience is Audience.PARTNER
                )  # checked by the loader: the routine's language has one, or its words: map
                assert switch is not None
                _add(lines, _line(f"{step.id}-switch", step.id, switch, hand, side))
            opening = f"{step.id}-{hand.value}" if hand and per_side else step.id
            line = _line(opening, step.id, step.text, hand, side)
            if hand and not per_side:
                hands = tuple(f"{step.id}-{side.value}" for side in step.hands if side)
                line = dataclasses.replace(line, per_hand=hands)
            _add(lines, line)
            for number, prompt in enumerate(step.prompts, 1):
                _add(lines, _line(f"{step.id}-prompt{number}", step.id, prompt.text, hand, side))
    return tuple(lines.values())


def _add(lines: dict[str, RecordedLine], line: RecordedLine) -> None:
    lines.setdefault(line.name, line)


def _per_side(step: Step, side: SideWords | None) -> bool:
    """Opening words that name the side are recorded once per side (``STEP-right``, ``STEP-left``)."""
    return step.each_hand and split_segments(step.text, Hand.RIGHT, side) != split_segments(
        step.text, Hand.LEFT, side
    )


def _line(
    name: str, step_id: str, text: str, hand: Hand | None, side: SideWords | None
) -> RecordedLine:
    segments = split_segments(text, hand, side)
    words = " ".join(segment.text for segment in segments if isinstance(segment, Speech))
    shown = " ... ".join(
        " ".join(part.text for part in group) for group in _speech_groups(segments)
    )
    return RecordedLine(name, step_id, words, shown)


def _speech_groups(segments: tuple[object, ...]) -> list[list[Speech]]:
    groups: list[list[Speech]] = [[]]
    for segment in segments:
        if isinstance(segment, Speech):
            groups[-1].append(segment)
        elif groups[-1]:
            groups.append([])
    return [group for group in groups if group]


def progress_line(recorded: int, total: int) -> str:
    """``12 of 40 lines recorded``."""
    return f"{recorded} of {total} lines recorded"

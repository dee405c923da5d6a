"""Every line a routine speaks, in session order, with the name its recording takes.

The names are the ones the player looks for (``--recordings``): ``STEP`` for a step's opening
words (``STEP-right`` / ``STEP-left`` when they differ between the hands), ``STEP-switch`` for the
words that start the left-hand round, ``STEP-promptN`` for the Nth prompt (one recording serves
both hands' rounds).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from voiceguide.routine import Hand, Routine, Speech, Step
from voiceguide.routine.text import split_segments
from voiceguide.timeline.layout import DEFAULT_SWITCH


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
        per_side = _per_side(step)
        for hand in step.hands:
            if hand is Hand.LEFT:
                switch = step.switch_text or DEFAULT_SWITCH[routine.audience]
                _add(lines, _line(f"{step.id}-switch", step.id, switch, hand))
            opening = f"{step.id}-{hand.value}" if hand and per_side else step.id
            line = _line(opening, step.id, step.text, hand)
            if hand and not per_side:
                hands = tuple(f"{step.id}-{side.value}" for side in step.hands if side)
                line = dataclasses.replace(line, per_hand=hands)
            _add(lines, line)
            for number, prompt in enumerate(step.prompts, 1):
                _add(lines, _line(f"{step.id}-prompt{number}", step.id, prompt.text, hand))
    return tuple(lines.values())


def _add(lines: dict[str, RecordedLine], line: RecordedLine) -> None:
    lines.setdefault(line.name, line)


def _per_side(step: Step) -> bool:
    """Opening words that name the hand are recorded once per hand (``STEP-right``, ``STEP-left``)."""
    return step.each_hand and split_segments(step.text, Hand.RIGHT) != split_segments(
        step.text, Hand.LEFT
    )


def _line(name: str, step_id: str, text: str, hand: Hand | None) -> RecordedLine:
    segments = split_segments(text, hand)
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

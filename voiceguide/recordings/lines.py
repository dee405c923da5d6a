"""Every line a routine speaks, in session order, with the name its recording takes.

The lines and names are the timeline's own (:mod:`voiceguide.timeline.rounds`), the ones the player
looks for (``--recordings``): ``STEP`` for a step's opening words (``STEP-right`` / ``STEP-left``
when they differ between the hands), ``STEP-switch``, ``STEP-promptN`` (one recording serves both
hands' rounds).
"""

from __future__ import annotations

from dataclasses import dataclass

from voiceguide.routine import Hand, Pause, Routine, Speech, Step
from voiceguide.routine.text import split_segments
from voiceguide.routine.words import SideWords
from voiceguide.timeline.rounds import opening_name, round_lines

READ_WPM_MAX = 250.0  # nobody reads a guided line aloud faster: a take quicker than this lost words


@dataclass(frozen=True, slots=True)
class RecordedLine:
    """One line to record: its file name (without extension), the step, and the words."""

    name: str
    step_id: str
    text: str  # the words as spoken, pause marks left out: what a recording must say
    shown: str  # the same words with each written pause shown as "[pause 2s]" (for the reader)
    per_hand: tuple[str, ...] = ()  # also played: one hand's own recording of the same words
    pauses_s: tuple[float, ...] = ()  # the pauses written between its words, in order

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def shortest_s(self) -> float:
        """A take shorter than this cannot hold the line's words: it lost some."""
        return self.words * 60.0 / READ_WPM_MAX

    def too_short(self, seconds: float) -> str | None:
        """Why a take of ``seconds`` cannot be this line (words lost), or None."""
        if seconds >= self.shortest_s:
            return None
        return (
            f"far too short for its {self.words} words ({seconds:.1f} s, at least "
            f"{self.shortest_s:.1f} s): words were lost"
        )


def routine_lines(routine: Routine) -> tuple[RecordedLine, ...]:
    """Every line to record, in the order the session speaks them; each name once (a prompt is
    recorded in the first hand's round and serves both)."""
    lines: dict[str, RecordedLine] = {}
    per_hand: tuple[str, ...]
    for step in routine.steps:
        per_side = _per_side(step, routine.words.side(step.side))
        hands = tuple(opening_name(step, hand) for hand in step.hands if hand)
        for hand in step.hands:
            for line in round_lines(routine, step, hand):
                name, per_hand = line.names[0], ()
                if line.kind == "say" and hand and not per_side:  # one take serves both hands
                    name, per_hand = step.id, hands
                groups = _speech_groups(line.segments)
                pauses = tuple(_pauses_between(line.segments))
                shown = "".join(
                    " ".join(part.text for part in group)
                    + (f" [pause {pauses[number]:g}s] " if number < len(pauses) else "")
                    for number, group in enumerate(groups)
                )
                lines.setdefault(
                    name, RecordedLine(name, step.id, line.words, shown, per_hand, pauses)
                )
    return tuple(lines.values())


def _per_side(step: Step, side: SideWords | None) -> bool:
    """Opening words that name the side are recorded once per side (``STEP-right``, ``STEP-left``)."""
    return step.each_hand and split_segments(step.text, Hand.RIGHT, side) != split_segments(
        step.text, Hand.LEFT, side
    )


def _speech_groups(segments: tuple[object, ...]) -> list[list[Speech]]:
    groups: list[list[Speech]] = [[]]
    for segment in segments:
        if isinstance(segment, Speech):
            groups[-1].append(segment)
        elif groups[-1]:
            groups.append([])
    return [group for group in groups if group]


def _pauses_between(segments: tuple[object, ...]) -> list[float]:
    """The pauses between words (one per gap, summed when written twice in a row; none before the
    first words or after the last)."""
    pauses: list[float] = []
    pending = 0.0
    spoken = False
    for segment in segments:
        if isinstance(segment, Speech):
            if spoken and pending > 0:
                pauses.append(pending)
            spoken, pending = True, 0.0
        elif isinstance(segment, Pause):
            pending += segment.duration_s
    return pauses


def progress_line(recorded: int, total: int) -> str:
    """``12 of 40 lines recorded``."""
    return f"{recorded} of {total} lines recorded"

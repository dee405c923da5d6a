"""What one round of a step says (the switch line in the left hand's round, the step's words, each
prompt), and the names a recording of each line goes by. The layout plans these lines; the
recordings room lists them for ``record`` and ``--recordings`` under the same names.

The names: ``STEP`` for a step's opening words, ``STEP-right`` / ``STEP-left`` for one hand's own
take of them, ``STEP-switch`` for the words that start the left hand's round, ``STEP-promptN`` for
the Nth prompt (one recording serves both hands' rounds).
"""

from __future__ import annotations

from dataclasses import dataclass

from voiceguide.routine.model import Audience, Hand, Pause, Routine, Speech, Step
from voiceguide.routine.text import split_segments
from voiceguide.timeline.model import VoiceKind


@dataclass(frozen=True, slots=True)
class RoundLine:
    """One line of a round: its words and written pauses, its kind, and the names of the
    recordings that can say it, the most particular first."""

    segments: tuple[Speech | Pause, ...]
    kind: VoiceKind
    names: tuple[str, ...]

    @property
    def words(self) -> str:
        """The words as spoken, pauses left out: what a recording of the line says."""
        return " ".join(segment.text for segment in self.segments if isinstance(segment, Speech))


def opening_name(step: Step, hand: Hand | None) -> str:
    """The recording of a step's opening words: ``STEP``, or one hand's ``STEP-right``."""
    return f"{step.id}-{hand.value}" if hand else step.id


def round_lines(routine: Routine, step: Step, hand: Hand | None) -> list[RoundLine]:
    """What one round of ``step`` says, in order: the switch line (the left hand's round), the
    step's words, then each prompt."""
    side = routine.words.side(step.side)

    def line(text: str, kind: VoiceKind, *names: str) -> RoundLine:
        return RoundLine(split_segments(text, hand, side), kind, names)

    lines = []
    if hand is Hand.LEFT:
        switch = step.switch_text or routine.words.switch_line(
            step.side, routine.audience is Audience.PARTNER
        )  # checked by the loader: the routine's language has one, or its words: map does
        assert switch is not None
        lines.append(line(switch, "switch", f"{step.id}-switch"))
    names = (opening_name(step, hand), step.id) if hand else (step.id,)
    lines.append(line(step.text, "say", *names))
    lines.extend(
        line(prompt.text, "prompt", f"{step.id}-prompt{number}")
        for number, prompt in enumerate(step.prompts, 1)
    )
    return lines

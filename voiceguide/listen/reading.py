"""What a caregiver may be reading aloud at a moment (``--prompter``): the line the prompter shows,
the one it shows next (read ahead) and the two before it (a slow reader still finishing them).
After the wake word the recognizer weighs a command against exactly these words: a piece of the
reading fits them far better than it fits the wake word and a command, and a command does not."""

from __future__ import annotations

from collections.abc import Iterable

from voiceguide.timeline import Timeline, showing_at

BEFORE = 2  # lines before the prompter's current one
AFTER = 1  # lines after it


class Reading:
    def __init__(self, lines: Iterable[tuple[float, str]]) -> None:
        """``lines``: (when the prompter shows it, in session seconds; its text)."""
        ordered = sorted(lines)
        self._starts = [start_s for start_s, _ in ordered]
        self._texts = [text for _, text in ordered]

    @classmethod
    def of(cls, timeline: Timeline) -> Reading:
        """The lines the prompter shows for ``timeline``."""
        return cls((line.start_s, line.text) for line in timeline.lines)

    def around(self, session_s: float) -> tuple[str, ...]:
        """The lines someone reading the prompter may be saying at ``session_s`` (the line
        showing then by the prompter's own rule, :func:`voiceguide.timeline.showing_at`)."""
        current = showing_at(self._starts, session_s)
        return tuple(self._texts[max(0, current - BEFORE) : max(0, current + 1 + AFTER)])

"""The same place in a better plan. An early start laid out from estimated line lengths (with
``--minutes`` every silence depends on every line) is replaced as the lines are spoken; where it
was playing moves to the same place in the new plan: the same moment of the same line, or as far
into the same silence (never past what follows it). Pure: timelines in, a function of seconds out.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

from voiceguide.timeline import Timeline

Moved = Callable[[float], float]


def remap(old: Timeline, new: Timeline) -> Moved | None:
    """Where a moment of ``old`` is in ``new``; None when nothing moved (or the plans do not
    correspond, which a routine's own lines and steps always do)."""
    before, after = _anchors(old), _anchors(new)
    if before == after or before.keys() != after.keys():
        return None
    keys = sorted(before, key=lambda key: (before[key], key))
    times_s = [before[key] for key in keys]

    def moved(at_s: float) -> float:
        index = bisect.bisect_right(times_s, at_s) - 1
        if index < 0:  # the opening, before anything is placed: the same in every plan
            return at_s
        limit_s = after[keys[index + 1]] if index + 1 < len(keys) else new.total_s
        return max(0.0, min(after[keys[index]] + at_s - times_s[index], limit_s))

    return moved


def _anchors(timeline: Timeline) -> dict[tuple[str, int], float]:
    """Each step's start, each line's start and end, by what they are."""
    found = {("step", chapter.index): chapter.start_s for chapter in timeline.chapters}
    for index, event in enumerate(timeline.events):
        found["start", index] = event.start_s
        found["end", index] = event.end_s
    return found

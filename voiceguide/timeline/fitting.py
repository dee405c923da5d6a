"""``--minutes``: stretch or shrink the silences that give time to do what was said, so the session
lasts the length asked; when it cannot, say the shortest length that fits and what would help."""

from __future__ import annotations

import math

from voiceguide.errors import OptionError
from voiceguide.routine.vocabulary import MAX_SESSION_S
from voiceguide.timeline.items import Gap, Item, Mark, VoiceItem
from voiceguide.timeline.model import LEAD_IN_S, LEAD_OUT_S
from voiceguide.timetext import duration

MAX_SUGGESTED_WPM = 180  # faster than this is no longer a calm guided session
RATE_MARGIN = 1.1  # a suggested rate leaves room: not every part of a line shortens with the rate


def shortest_s(items: list[Item]) -> float:
    """The session's length with every stretchable silence at its floor (lead-in and out included)."""
    return LEAD_IN_S + LEAD_OUT_S + sum(_least_s(item) for item in items)


def fit(items: list[Item], target_s: float, rate_wpm: int | None = None) -> list[Item]:
    """The items with their stretchable gaps resized so the session lasts ``target_s``: longer
    gaps in proportion to their length, or shorter ones in proportion to what they can give."""
    if not 0 < target_s <= MAX_SESSION_S:
        raise OptionError(
            f"expected a session length up to {duration(MAX_SESSION_S)}, got {target_s:g} s"
        )
    least_s = shortest_s(items)
    if target_s < least_s - 1e-9:
        raise OptionError(_too_short(items, target_s, least_s, rate_wpm))
    natural_s = LEAD_IN_S + LEAD_OUT_S + sum(_length_s(item) for item in items)
    gaps = [item for item in items if isinstance(item, Gap) and item.stretch]
    if target_s >= natural_s:
        extra_s = target_s - natural_s
        total_s = sum(gap.duration_s for gap in gaps)

        def resized(gap: Gap) -> Gap:
            share = gap.duration_s / total_s if total_s > 0 else 1 / len(gaps)
            return Gap(gap.duration_s + extra_s * share, gap.floor_s, True)

    else:
        cut_s = natural_s - target_s
        room_s = sum(gap.duration_s - gap.floor_s for gap in gaps)
        if room_s <= 0:
            return items

        def resized(gap: Gap) -> Gap:
            return Gap(
                gap.duration_s - (gap.duration_s - gap.floor_s) * cut_s / room_s, gap.floor_s, True
            )

    return [resized(item) if isinstance(item, Gap) and item.stretch else item for item in items]


def _length_s(item: Item) -> float:
    return 0.0 if isinstance(item, Mark) else item.duration_s


def _least_s(item: Item) -> float:
    return item.floor_s if isinstance(item, Gap) else _length_s(item)


def _too_short(items: list[Item], target_s: float, least_s: float, rate_wpm: int | None) -> str:
    """One line: the shortest length at this rate, and the options that would fit."""
    needed_s = math.ceil(least_s)
    hints = [f"--minutes {math.ceil(needed_s / 60)}"]
    if rate_wpm is not None:
        voiced_s = sum(
            item.duration_s
            for item in items
            if isinstance(item, VoiceItem) and item.line.recording is None
        )
        rest_s = least_s - voiced_s
        if target_s > rest_s and voiced_s > 0:
            faster = math.ceil(rate_wpm * voiced_s / (target_s - rest_s) * RATE_MARGIN / 10) * 10
            if rate_wpm < faster <= MAX_SUGGESTED_WPM:
                hints.append(f"--rate {faster}")
    pace = f" at {rate_wpm} wpm" if rate_wpm is not None else ""
    return (
        f"a {duration(target_s)} session is too short for this routine: it needs at least "
        f"{duration(needed_s)}{pace}; try {' or '.join(hints)}"
    )

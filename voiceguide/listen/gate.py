"""The player knows when its own voice sounds (the timeline): what the microphone hears then is
mostly the loudspeaker, so a command heard overlapping the guide's voice is not acted on."""

from __future__ import annotations

import bisect
from collections.abc import Iterable

MARGIN_S = 0.4  # room echo, the device's buffer and the recognizer's own timing


class Gate:
    """Closed while the guide's voice sounds (``voice`` intervals, in session seconds)."""

    def __init__(self, voice: Iterable[tuple[float, float]], margin_s: float = MARGIN_S) -> None:
        spans = sorted((start - margin_s, end + margin_s) for start, end in voice)
        merged: list[tuple[float, float]] = []
        for start, end in spans:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        self._starts = [start for start, _ in merged]
        self._spans = merged

    def open(self, start_s: float, end_s: float) -> bool:
        """True when nothing the guide says overlaps ``start_s``..``end_s``."""
        index = bisect.bisect_right(self._starts, end_s) - 1
        return index < 0 or self._spans[index][1] <= start_s

"""Durations as people write them: ``90s``, ``1m30s``, ``2 min``, ``1.5 minutes``, ``1h``, or bare seconds."""

from __future__ import annotations

import math
import re

_UNITS_S = {
    "h": 3600.0, "hr": 3600.0, "hour": 3600.0, "hours": 3600.0,
    "m": 60.0, "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0,
    "s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0,
}  # fmt: skip
_PART = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*([a-z]+)\s*", re.ASCII)
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+", re.ASCII)

EXPECTED = "a duration like '90s', '1m30s' or '2 min'"


def parse_duration_s(value: object) -> float:
    """Return seconds, or raise ``ValueError`` with the expectation for an error message.

    Units must come in decreasing order (``1m30s``, not ``30s1m``) and each at most once.
    """
    if isinstance(value, bool):
        raise ValueError(EXPECTED)
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        seconds = _parse_text(value.strip().lower())
    else:
        raise ValueError(EXPECTED)
    if not math.isfinite(seconds):
        raise ValueError(EXPECTED)
    return seconds


def _parse_text(text: str) -> float:
    if not text:
        raise ValueError(EXPECTED)
    if _NUMBER.fullmatch(text):
        return float(text)  # a bare number: seconds
    total_s = 0.0
    last_scale = math.inf
    position = 0
    while position < len(text):
        match = _PART.match(text, position)
        if match is None or match.group(2) not in _UNITS_S:
            raise ValueError(EXPECTED)
        scale = _UNITS_S[match.group(2)]
        if scale >= last_scale:
            raise ValueError(EXPECTED)
        total_s += float(match.group(1)) * scale
        last_scale = scale
        position = match.end()
    return total_s

"""Spoken text: ``[pause 3s]`` marks split it into clips, ``{hand}``/``{other_hand}`` name the hand."""

from __future__ import annotations

import re
import unicodedata

from voiceguide.routine.durations import parse_duration_s
from voiceguide.routine.model import Hand, Pause, Segment, Speech

PLACEHOLDERS = ("hand", "other_hand")
MAX_PAUSE_S = 600.0
_MARK = re.compile(r"\[([^\[\]]*)\]")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class TextFormatError(ValueError):
    """The text has a mark that is not ``[pause Ns]`` or a placeholder voiceguide does not know."""


def clean_text(text: str) -> str:
    """Remove invisible format characters, turn control characters into spaces, fold white space."""
    kept = "".join(
        " "
        if unicodedata.category(ch) == "Cc"
        else ch  # control characters (tabs, breaks) part words
        for ch in text
        if unicodedata.category(ch)
        not in ("Cf", "Cs", "Co", "Cn")  # soft hyphens, zero-width marks go
    )
    return " ".join(kept.split())


def check_text(text: str, *, allow_hand: bool) -> None:
    """Raise :class:`TextFormatError` if ``text`` would not split into segments."""
    split_segments(text, Hand.RIGHT if allow_hand else None)


def split_segments(text: str, hand: Hand | None) -> tuple[Segment, ...]:
    """Split ``text`` into speech and pauses, with the hand placeholders filled in."""
    segments: list[Segment] = []
    position = 0
    for match in _MARK.finditer(text):
        _add_speech(segments, text[position : match.start()], hand)
        segments.append(Pause(_pause_s(match.group(1))))
        position = match.end()
    _add_speech(segments, text[position:], hand)
    if not any(isinstance(segment, Speech) for segment in segments):
        raise TextFormatError("expected some words to say, got none")
    return tuple(segments)


def _pause_s(mark: str) -> float:
    words = mark.split(None, 1)
    if len(words) != 2 or words[0].lower() != "pause":
        raise TextFormatError(f"expected a pause mark like '[pause 3s]', got '[{mark}]'")
    try:
        seconds = parse_duration_s(words[1])
    except ValueError:
        raise TextFormatError(f"expected a pause mark like '[pause 3s]', got '[{mark}]'") from None
    if not 0 < seconds <= MAX_PAUSE_S:
        raise TextFormatError(f"expected a pause between 0 and {MAX_PAUSE_S:g} s, got '[{mark}]'")
    return seconds


def _add_speech(segments: list[Segment], raw: str, hand: Hand | None) -> None:
    if "[" in raw or "]" in raw:
        raise TextFormatError("expected '[' and ']' only around a pause mark like '[pause 3s]'")
    spoken = clean_text(_fill_hand(raw, hand))
    if spoken:
        segments.append(Speech(spoken))


def _fill_hand(raw: str, hand: Hand | None) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        if name not in PLACEHOLDERS:
            raise TextFormatError(
                f"expected a placeholder {{hand}} or {{other_hand}}, got '{{{match.group(1)}}}'"
            )
        if hand is None:
            raise TextFormatError(f"'{{{name}}}' needs 'each_hand: true' on the step")
        return hand.value if name == "hand" else hand.other.value

    filled = _PLACEHOLDER.sub(replace, raw)
    if "{" in filled or "}" in filled:
        raise TextFormatError("expected '{' and '}' only around {hand} or {other_hand}")
    return filled

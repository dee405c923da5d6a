"""Spoken text: ``[pause 3s]`` marks split it into clips, ``{side}``/``{other_side}`` (or ``{hand}``/
``{other_hand}``) name the side of the body in the routine's language."""

from __future__ import annotations

import re
import unicodedata

from voiceguide.routine.durations import parse_duration_s
from voiceguide.routine.model import Hand, Pause, Segment, Speech
from voiceguide.routine.speakable import speakable
from voiceguide.routine.words import SideWords

PLACEHOLDERS = ("side", "other_side", "hand", "other_hand")
MAX_PAUSE_S = 600.0
_JOINERS = frozenset("\u200c\u200d")  # zero-width non-joiner and joiner
_MARK = re.compile(r"\[([^\[\]]*)\]")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class TextFormatError(ValueError):
    """The text has a mark that is not ``[pause Ns]`` or a placeholder voiceguide does not know."""


def clean_text(text: str) -> str:
    """Remove invisible format characters (but not the zero-width joiners that shape emoji and
    scripts: :func:`speakable` drops them from speech), turn control characters into spaces, fold
    white space."""
    kept = "".join(
        " "
        if unicodedata.category(ch) == "Cc"
        else ch  # control characters (tabs, breaks) part words
        for ch in text
        if ch in _JOINERS
        or unicodedata.category(ch) not in ("Cf", "Cs", "Co", "Cn")  # soft hyphens, marks go
    )
    return " ".join(kept.split())


def check_text(text: str, *, allow_hand: bool) -> None:
    """Raise :class:`TextFormatError` if ``text`` would not split into segments."""
    split_segments(text, Hand.RIGHT if allow_hand else None)


def split_segments(
    text: str, hand: Hand | None, side: SideWords | None = None
) -> tuple[Segment, ...]:
    """Split ``text`` into speech and pauses, with the side placeholders filled in (from ``side``,
    the routine's words for the step's body part; English ``right``/``left`` without it). Emoji
    and pictographs are dropped from what is spoken."""
    segments: list[Segment] = []
    position = 0
    for match in _MARK.finditer(text):
        _add_speech(segments, text[position : match.start()], hand, side)
        segments.append(Pause(_pause_s(match.group(1))))
        position = match.end()
    _add_speech(segments, text[position:], hand, side)
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


def _add_speech(
    segments: list[Segment], raw: str, hand: Hand | None, side: SideWords | None
) -> None:
    if "[" in raw or "]" in raw:
        raise TextFormatError("expected '[' and ']' only around a pause mark like '[pause 3s]'")
    spoken = clean_text(_fill_hand(raw, hand, side))
    if speakable(spoken):  # a part of only emoji is not a line: it would be silent
        segments.append(Speech(spoken))


def _fill_hand(raw: str, hand: Hand | None, side: SideWords | None) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        if name not in PLACEHOLDERS:
            raise TextFormatError(
                f"expected a placeholder {{side}}, {{other_side}}, {{hand}} or {{other_hand}}, "
                f"got '{{{match.group(1)}}}'"
            )
        if hand is None:
            raise TextFormatError(
                f"'{{{name}}}' needs 'each_hand: true' or 'each_side: NOUN' on the step"
            )
        named = hand if name in ("side", "hand") else hand.other
        return side.word(named is Hand.RIGHT) if side else named.value

    filled = _PLACEHOLDER.sub(replace, raw)
    if "{" in filled or "}" in filled:
        raise TextFormatError("expected '{' and '}' only around a placeholder like {side}")
    return filled

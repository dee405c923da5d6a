"""What a voice is given to read: a line without the characters an engine would read out as a symbol
name ("white heavy check mark", "slightly smiling face"). The displayed text (titles, tags, subtitles,
the printed script) keeps them; only speech loses them. Standard library only."""

from __future__ import annotations

import re
import unicodedata

ZERO_WIDTH_JOINER = "\u200d"
_KEPT_SYMBOLS = frozenset("°")  # read as a word ("degrees"), not as a symbol's name
_DROPPED = frozenset(
    "\u200d\ufe0e\ufe0f\u20e3"  # joiner and variation selectors inside emoji sequences, keycap
    "\u2022\u2023\u2043\u2219\u25e6\u00b6\u00a7\u2020\u2021\u203b"  # bullets, pilcrow, section, daggers
)
_SPACE_BEFORE_MARK = re.compile(r"\s+([.,!?;:…])")


def _dropped(ch: str) -> bool:
    if ch in _KEPT_SYMBOLS:
        return False
    if ch in _DROPPED:
        return True
    category = unicodedata.category(ch)
    if category in ("So", "Sk", "Co"):  # emoji, pictographs, dingbats, skin tones, private use
        return True
    code = ord(ch)
    return (
        0x2190 <= code <= 0x21FF  # arrows
        or 0x27F0 <= code <= 0x27FF  # supplemental arrows
        or 0xE0020 <= code <= 0xE007F  # tag characters (flag sequences)
        or 0x1F000 <= code <= 0x1FAFF  # the emoji planes' blocks, whatever their category
    )


def speakable(text: str) -> str:
    """``text`` without emoji, pictographs and other symbols read aloud by name; the white space
    they leave is folded, and no space is left before a punctuation mark."""
    if not any(_dropped(ch) for ch in text):
        return text
    kept = "".join(" " if _dropped(ch) else ch for ch in text)
    return _SPACE_BEFORE_MARK.sub(r"\1", " ".join(kept.split()))

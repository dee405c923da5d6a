"""A step's id and title when the routine leaves them out: the title from the first words it says,
the id from the title (``Palm circles`` -> ``palm-circles``), unique in the routine."""

from __future__ import annotations

import re
import unicodedata

TITLE_WORDS = 6  # a derived title is at most this many words of the step's first sentence
_MARK = re.compile(r"\[[^\[\]]*\]|\{[^{}]*\}")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s")


def derived_title(say: str) -> str:
    """The first sentence of ``say`` (pause marks and placeholders left out); when it is longer
    than six words, its first clause, or its first six words and an ellipsis."""
    plain = " ".join(_MARK.sub(" ", say).split())
    first = _SENTENCE_END.split(plain, 1)[0].rstrip(".!?…,;: ")
    words = first.split()
    clause = first.split(",", 1)[0].split()
    if len(words) > TITLE_WORDS and len(clause) <= TITLE_WORDS:
        return " ".join(clause)
    if len(words) > TITLE_WORDS:
        return " ".join(words[:TITLE_WORDS]).rstrip(",;:") + "…"
    return first or plain or "…"


def derived_id(title: str, index: int, taken: set[str]) -> str:
    """Lowercase letters, digits and '-' from ``title`` (accents folded), else ``step-N``; a number
    is added when another step has it."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:48].strip("-")
    base = slug or f"step-{index + 1}"
    ident, number = base, 2
    while ident in taken:
        ident, number = f"{base}-{number}", number + 1
    return ident

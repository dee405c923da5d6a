"""What can be said: the commands, the wake word, and the words that are not commands (the
routine's own lines and everyday words), which a grammar needs so that speech that is not a
command is heard as such instead of as the nearest command."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from voiceguide.routine.vocabulary import Action

COMMANDS = {  # what is said -> what the player does
    "pause": Action.PAUSE, "continue": Action.CONTINUE, "ready": Action.CONTINUE,
    "next": Action.NEXT, "back": Action.BACK, "repeat": Action.REPEAT, "louder": Action.LOUDER,
    "softer": Action.SOFTER, "stop": Action.QUIT,
}  # fmt: skip
WAKE_WORD = "guide"
EVERYDAY = [
    "the",
    "and",
    "your",
    "you",
    "a",
    "to",
    "it",
    "now",
    "good",
    "yes",
    "no",
    "okay",
    "oh",
    "um",
    "thank",
    "hand",
]
OTHER_WORDS = 40  # the grammar's other-words path: the most frequent words (a larger one is slow)


def said(wake: bool) -> str:
    """The start line's list of what is listened for."""
    first = f'say "{WAKE_WORD}" first, then ' if wake else ""
    return f"{first}pause, continue (or ready), next, back, repeat, louder, softer, stop"


def other_words(texts: Iterable[str], known: set[str]) -> list[str]:
    """The most frequent words of ``texts`` and a few everyday ones that the model knows, commands
    and the wake word left out: speech made of them is not a command."""
    counts = Counter(word for text in texts for word in re.findall(r"[a-z']+", text.lower()))
    left_out = {*COMMANDS, WAKE_WORD}
    frequent = [w for w, _ in counts.most_common() if w in known and w not in left_out]
    chosen = {*frequent[:OTHER_WORDS], *(w for w in EVERYDAY if w in known)}
    return sorted(chosen)

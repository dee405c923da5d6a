"""Hearing commands: the microphone's sound is cut into utterances
(:mod:`voiceguide.listen.utterances`); an utterance of a command's length, where the gate is
open, is decided (:mod:`voiceguide.listen.decoding`: here, or in a process of its own,
:mod:`voiceguide.listen.decoder_process`, so that decoding never holds up the player's sound).

Input: 16 kHz mono 16-bit samples, in any sizes. Output: what was heard, with the times (seconds
from the first sample) where its utterance started and ended.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from voiceguide.listen.commands import COMMANDS
from voiceguide.listen.decoding import Decision, Decoding, grammar, lines_grammar
from voiceguide.listen.utterances import SAMPLE_RATE, Utterance, Utterances

__all__ = ["CUT", "NOT_CAUGHT", "SAMPLE_RATE", "Heard", "Recognizer", "grammar", "lines_grammar"]
LENGTH_S = {False: (0.2, 2.0), True: (0.4, 2.6)}  # a command's length (with the wake word; 0.3 s
# of quiet either side included): other lengths are not a command and are dropped, not decoded.
# (Up to 1.4 and 2.0 s before: Kokoro's calm "continue" is 1.0-1.3 s of voice, and none of its 18
# said by six voices reached the decoder, scripts/bench_listen.py.)
CUT = {False: (20.0, 0.3), True: (20.0, 0.6)}  # an utterance ends where the sound stays this far
# (dB) below its loudest part this long (s), see utterances.py. After the wake word a caregiver
# reads aloud: a shorter cut makes command-sized pieces of the reading there (measured, 20 minutes
# of reading without the wake word: 0.3 s gave 17-18 such pieces taken for commands, 0.6 s 3).
NOT_CAUGHT = "not caught"  # the action of a command heard but not clearly which: nothing is done


@dataclass(frozen=True, slots=True)
class Heard:
    action: str  # one of the transport's actions, or NOT_CAUGHT
    word: str  # the command word said ("" when not caught)
    start_s: float
    end_s: float
    margin: float = 0.0  # how clearly (see decoding.Decision)


class Decider(Protocol):
    def decide(self, audio: bytes, lines: Sequence[str] | None = None) -> Decision: ...


class Recognizer:
    """Feed samples with :meth:`feed`; it returns the commands heard in them."""

    def __init__(
        self,
        texts: list[str],
        *,
        wake: bool,
        accept: Callable[[float, float], bool] | None = None,
        decider: Decider | None = None,
    ) -> None:
        """``accept(start_s, end_s)``: whether an utterance may be a command at all (the gate),
        asked before it is decoded, so that what is not listened for costs no decoding.
        ``reading(end_s)`` (an attribute, after the wake word): the lines someone may be reading
        aloud when an utterance ends; all of ``texts`` unless set. ``decider``: where utterances
        are decoded (in this process unless given)."""
        self._decider = decider or Decoding(texts, wake=wake)
        self._lengths = LENGTH_S[wake]
        self._wake = wake
        self.accept = accept
        self.reading: Callable[[float], Sequence[str]] | None = None
        self._utterances = Utterances(cut=CUT[wake])

    def feed(self, pcm: bytes) -> list[Heard]:
        return [heard for u in self._utterances.feed(pcm) for heard in self._decide(u)]

    def _decide(self, utterance: Utterance) -> list[Heard]:
        start_s, end_s = utterance.start_s, utterance.end_s
        shortest, longest = self._lengths
        if not shortest <= end_s - start_s <= longest:
            return []
        if self.accept is not None and not self.accept(start_s, end_s):
            return []
        lines = self.reading(end_s) if self._wake and self.reading is not None else None
        decision = self._decider.decide(utterance.pcm, lines)
        if decision.unsure:
            return [Heard(NOT_CAUGHT, "", start_s, end_s, decision.margin)]
        if decision.word is None:
            return []
        return [Heard(COMMANDS[decision.word], decision.word, start_s, end_s, decision.margin)]

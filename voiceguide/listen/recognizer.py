"""Hearing commands with pocketsphinx (its wheel carries a US English model): a voice-activity
endpointer cuts the microphone's sound into utterances, and each utterance is decoded against a
small grammar: a command (after the wake word, when one is asked for) or any run of other words.
Speech that is not a command takes the other-words path instead of the nearest command, which a
keyword spotter cannot do.

Input: 16 kHz mono 16-bit samples, in any sizes. Output: what was heard, with the times (seconds
from the first sample) where its utterance started and ended.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from voiceguide.listen.commands import COMMANDS, WAKE_WORD, other_words

SAMPLE_RATE = 16000
LENGTH_S = {False: (0.2, 1.4), True: (0.4, 2.0)}  # a command's length (with the wake word): other
# lengths are not a command and are dropped, not decoded


@dataclass(frozen=True, slots=True)
class Heard:
    action: str  # one of the transport's actions
    word: str  # the command word said
    start_s: float
    end_s: float


def grammar(wake: bool, others: list[str]) -> str:
    commands = " | ".join(COMMANDS)
    command = f"{WAKE_WORD} ( {commands} )" if wake else f"( {commands} )"
    other = f" | ( {' | '.join(others)} ) +" if others else ""
    return f"#JSGF V1.0;\ngrammar voiceguide;\npublic <said> = {command}{other};\n"


class Recognizer:
    """Feed samples with :meth:`feed`; it returns the commands heard in them."""

    def __init__(
        self, texts: list[str], *, wake: bool, accept: Callable[[float, float], bool] | None = None
    ) -> None:
        """``accept(start_s, end_s)``: whether an utterance may be a command at all (the gate),
        asked before it is decoded, so that what is not listened for costs no decoding."""
        from pocketsphinx import Decoder, Endpointer, get_model_path

        model = os.path.join(get_model_path(), "en-us")  # noqa: PTH118
        self._decoder: Any = Decoder(
            hmm=os.path.join(model, "en-us"),  # noqa: PTH118
            dict=os.path.join(model, "cmudict-en-us.dict"),  # noqa: PTH118
            samprate=SAMPLE_RATE, loglevel="FATAL", lm=None, maxhmmpf=2000, beam=1e-30, wbeam=1e-20,
            pbeam=1e-30,
        )  # fmt: skip
        self._lengths = LENGTH_S[wake]
        self.accept = accept
        known = {word for word in _words(texts) if self._decoder.lookup_word(word) is not None}
        self._decoder.add_jsgf_string("said", grammar(wake, other_words(texts, known)))
        self._decoder.activate_search("said")
        self._endpointer: Any = Endpointer(window=0.3, ratio=0.9)
        self._frame_bytes = int(self._endpointer.frame_bytes)
        self._pending = b""
        self._utterance: list[bytes] = []
        self._heard_s = 0.0  # where the pending samples start
        self._start_s = 0.0

    def feed(self, pcm: bytes) -> list[Heard]:
        heard: list[Heard] = []
        self._pending += pcm
        frame_s = self._frame_bytes / 2 / SAMPLE_RATE
        while len(self._pending) >= self._frame_bytes:
            frame, self._pending = (
                self._pending[: self._frame_bytes],
                self._pending[self._frame_bytes :],
            )
            speech = self._endpointer.process(frame)
            self._heard_s += frame_s
            if speech is not None:
                if not self._utterance:
                    self._start_s = float(self._endpointer.speech_start)
                self._utterance.append(speech)
            if self._utterance and not self._endpointer.in_speech:
                heard += self._decode(float(self._endpointer.speech_end))
        return heard

    def _decode(self, end_s: float) -> list[Heard]:
        audio, self._utterance = b"".join(self._utterance), []
        shortest, longest = self._lengths
        if not shortest <= end_s - self._start_s <= longest:
            return []
        if self.accept is not None and not self.accept(self._start_s, end_s):
            return []
        self._decoder.start_utt()
        self._decoder.process_raw(audio, False, True)
        self._decoder.end_utt()
        hypothesis = self._decoder.hyp()
        words = hypothesis.hypstr.split() if hypothesis is not None else []
        if words and words[0] == WAKE_WORD:
            words = words[1:]
        if len(words) != 1 or words[0] not in COMMANDS:
            return []
        return [Heard(COMMANDS[words[0]], words[0], self._start_s, end_s)]


def _words(texts: list[str]) -> set[str]:
    import re

    from voiceguide.listen.commands import EVERYDAY

    return {w for text in texts for w in re.findall(r"[a-z']+", text.lower())} | set(EVERYDAY)

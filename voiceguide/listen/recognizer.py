"""Hearing commands with pocketsphinx (its wheel carries a US English model): the microphone's
sound is cut into utterances (:mod:`voiceguide.listen.utterances`), and each utterance of a
command's length is decoded twice. First against the commands alone (after the wake word, when
one is asked for): the command it sounds most like, or nothing for sound that fits no command at all (a chime, a
breath). Then against the commands or any run of other words (the routine's own frequent words
and everyday ones): when that path fits the sound much better than the command did, per frame,
it was speech that is not a command. The margin lets a voice the model hears poorly (eSpeak NG's)
be heard while a sentence read aloud is not taken for the nearest command.

Input: 16 kHz mono 16-bit samples, in any sizes. Output: what was heard, with the times (seconds
from the first sample) where its utterance started and ended.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from voiceguide.listen.commands import COMMANDS, WAKE_WORD, other_words
from voiceguide.listen.utterances import SAMPLE_RATE, Utterance, Utterances

__all__ = ["CUT", "SAMPLE_RATE", "Heard", "Recognizer"]
LENGTH_S = {False: (0.2, 1.4), True: (0.4, 2.0)}  # a command's length (with the wake word): other
# lengths are not a command and are dropped, not decoded
MARGIN = {False: 0.0, True: -math.inf}  # how much better per frame (the decoder's log units) the
# other-words path may fit and the command still be taken. After the wake word (a caregiver reads
# lines aloud then) the other-words search must itself end on the command. Chosen on
# scripts/bench_listen.py's tuning voices and a reading of another routine, not on the figures
# reported.
CUT = {False: (20.0, 0.3), True: (20.0, 0.6)}  # an utterance ends where the sound stays this far
# (dB) below its loudest part this long (s), see utterances.py. After the wake word a caregiver
# reads aloud: a shorter cut makes command-sized pieces of the reading there (measured, 20 minutes
# of reading: 0.3 s gave 17 such pieces taken for commands without the wake word, 0.6 s 3).


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
        from pocketsphinx import Decoder, get_model_path

        model = os.path.join(get_model_path(), "en-us")  # noqa: PTH118
        files = {
            "hmm": os.path.join(model, "en-us"),  # noqa: PTH118
            "dict": os.path.join(model, "cmudict-en-us.dict"),  # noqa: PTH118
            "samprate": SAMPLE_RATE, "loglevel": "FATAL", "lm": None, "maxhmmpf": 2000,
        }  # fmt: skip
        # The commands alone with wide beams (a voice the model hears poorly keeps its command's
        # path to the end; a small grammar costs little); the larger grammar with narrow ones.
        self._decoders: dict[str, Any] = {
            "commands": Decoder(**files, beam=1e-80, wbeam=1e-60, pbeam=1e-80),
            "said": Decoder(**files, beam=1e-30, wbeam=1e-20, pbeam=1e-30),
        }
        for decoder in self._decoders.values():
            # The model's own settings (feat.params, read after ours) remove noise with an
            # estimate carried from one utterance into the next: the same command scored
            # differently after different sounds. Without it decoding is the same every time
            # (and, measured with the cut, 2 more of the tuning voices' 81 commands were heard).
            decoder.config["remove_noise"] = False
            decoder.reinit_feat()
        said = self._decoders["said"]
        self._log_base = math.log(float(said.config["logbase"]))
        self._lengths = LENGTH_S[wake]
        self._margin = MARGIN[wake]
        self._wake = wake
        self.accept = accept
        known = {word for word in _words(texts) if said.lookup_word(word) is not None}
        self._decoders["commands"].add_jsgf_string("commands", grammar(wake, []))
        self._decoders["commands"].activate_search("commands")
        said.add_jsgf_string("said", grammar(wake, other_words(texts, known)))
        said.activate_search("said")
        self._utterances = Utterances(cut=CUT[wake])

    def feed(self, pcm: bytes) -> list[Heard]:
        return [heard for u in self._utterances.feed(pcm) for heard in self._decode(u)]

    def _decode(self, utterance: Utterance) -> list[Heard]:
        audio, start_s, end_s = utterance.pcm, utterance.start_s, utterance.end_s
        shortest, longest = self._lengths
        if not shortest <= end_s - start_s <= longest:
            return []
        if self.accept is not None and not self.accept(start_s, end_s):
            return []
        command, command_score = self._search("commands", audio)
        if command is None:
            return []
        said, said_score = self._search("said", audio)
        frames = len(audio) // 2 * 100 // SAMPLE_RATE  # pocketsphinx's 10 ms frames
        if said != command and not (said_score - command_score) / max(1, frames) <= self._margin:
            return []
        return [Heard(COMMANDS[command], command, start_s, end_s)]

    def _search(self, search: str, audio: bytes) -> tuple[str | None, float]:
        """The command heard (None: none, or other words) and the hypothesis' score (in the
        decoder's log units: its ``score`` is a likelihood, exp of that)."""
        decoder = self._decoders[search]
        decoder.start_utt()
        decoder.process_raw(audio, False, True)
        decoder.end_utt()
        hypothesis = decoder.hyp()
        if hypothesis is None:
            return None, -math.inf
        score = math.log(hypothesis.score) / self._log_base if hypothesis.score > 0 else -math.inf
        words = hypothesis.hypstr.split()
        if self._wake and words[:1] == [WAKE_WORD]:
            words = words[1:]
        elif self._wake:
            return None, score
        if len(words) != 1 or words[0] not in COMMANDS:
            return None, score
        return words[0], score


def _words(texts: list[str]) -> set[str]:
    import re

    from voiceguide.listen.commands import EVERYDAY

    return {w for text in texts for w in re.findall(r"[a-z']+", text.lower())} | set(EVERYDAY)

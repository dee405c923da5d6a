"""Hearing commands with pocketsphinx (its wheel carries a US English model): the microphone's
sound is cut into utterances (:mod:`voiceguide.listen.utterances`), and each utterance of a
command's length is decoded twice. First against the commands alone (after the wake word, when
one is asked for): the command it sounds most like, or nothing for sound that fits no command at
all (a chime, a breath). Then against what else it may be:

- bare commands: the commands or any run of other words (the routine's own frequent words and
  everyday ones). When that path fits the sound better than the command did, per frame, it was
  speech that is not a command.
- after the wake word (``--prompter``: a caregiver reads the lines aloud): "guide" and a command,
  or any piece of the lines being read then (:mod:`voiceguide.listen.reading`). Only when the
  command's path wins is it a command. The grammar is small, so it is searched as widely as the
  commands alone: a voice the model hears poorly (eSpeak NG's) keeps its command's path.

Input: 16 kHz mono 16-bit samples, in any sizes. Output: what was heard, with the times (seconds
from the first sample) where its utterance started and ended.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from voiceguide.listen.commands import COMMANDS, EVERYDAY, WAKE_WORD, other_words
from voiceguide.listen.utterances import SAMPLE_RATE, Utterance, Utterances

__all__ = ["CUT", "SAMPLE_RATE", "Heard", "Recognizer"]
LENGTH_S = {False: (0.2, 1.4), True: (0.4, 2.0)}  # a command's length (with the wake word): other
# lengths are not a command and are dropped, not decoded
MARGIN = 0.0  # bare commands: how much better per frame (the decoder's log units) the other-words
# path may fit and the command still be taken. Chosen on scripts/bench_listen.py's tuning voices
# and a reading of another routine, not on the figures reported.
CUT = {False: (20.0, 0.3), True: (20.0, 0.6)}  # an utterance ends where the sound stays this far
# (dB) below its loudest part this long (s), see utterances.py. After the wake word a caregiver
# reads aloud: a shorter cut makes command-sized pieces of the reading there (measured, 20 minutes
# of reading without the wake word: 0.3 s gave 17-18 such pieces taken for commands, 0.6 s 3).


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


START, END, WOKEN, FIRST_FREE = 0, 1, 2, 3  # the states of :func:`lines_grammar`
Transition = tuple[int, int, float] | tuple[int, int, float, str]  # (from, to, probability[, word])


def lines_grammar(lines: Sequence[str], known: Callable[[str], bool]) -> list[Transition]:
    """After the wake word: "guide" and a command, or any run of consecutive words of one of
    ``lines`` (entered at any word, left after any word), as pocketsphinx's finite-state
    transitions. A word the model does not know (or with other letters: digits, accents) breaks
    its line in two, as does a line's end."""
    transitions: list[Transition] = [(START, WOKEN, 1.0, WAKE_WORD)]
    transitions += [(WOKEN, END, 1.0, command) for command in COMMANDS]
    state = FIRST_FREE  # the state before a line's next word
    for line in lines:
        for word in [*_words_of(line), ""]:
            if word and known(word):
                transitions += [
                    (state, state + 1, 1.0, word),  # after the word before it,
                    (START, state + 1, 1.0, word),  # or the first one said,
                    (state + 1, END, 1.0),  # and maybe the last
                ]
            state += 1  # (after a word not known or a line's end: a state nothing reaches)
    return transitions


def _words_of(line: str) -> list[str]:
    """The words of a line as the dictionary spells them (lower case, straight apostrophes);
    a token with anything else in it (a digit, an accent) is "", which breaks the run."""
    tokens = line.lower().replace("\u2019", "'").split()
    words = [token.strip(".,;:!?\"'()[]-\u2013\u2014\u2026\u2018\u201c\u201d") for token in tokens]
    return [word if re.fullmatch(r"[a-z']+", word) else "" for word in words]


class Recognizer:
    """Feed samples with :meth:`feed`; it returns the commands heard in them."""

    def __init__(
        self, texts: list[str], *, wake: bool, accept: Callable[[float, float], bool] | None = None
    ) -> None:
        """``accept(start_s, end_s)``: whether an utterance may be a command at all (the gate),
        asked before it is decoded, so that what is not listened for costs no decoding.
        ``reading(end_s)`` (an attribute, after the wake word): the lines someone may be reading
        aloud when an utterance ends; all of ``texts`` unless set."""
        from pocketsphinx import Decoder, get_model_path

        model = os.path.join(get_model_path(), "en-us")  # noqa: PTH118
        files = {
            "hmm": os.path.join(model, "en-us"),  # noqa: PTH118
            "dict": os.path.join(model, "cmudict-en-us.dict"),  # noqa: PTH118
            "samprate": SAMPLE_RATE, "loglevel": "FATAL", "lm": None, "maxhmmpf": 2000,
        }  # fmt: skip
        # Small grammars with wide beams (a voice the model hears poorly keeps its command's path
        # to the end; they cost little); the other-words loop with narrow ones.
        wide, narrow = (
            {"beam": 1e-80, "wbeam": 1e-60, "pbeam": 1e-80},
            {"beam": 1e-30, "wbeam": 1e-20, "pbeam": 1e-30},
        )
        # After the wake word, the answer is the first pass's path, which ends where the grammar
        # does: the lattice's best path (a second pass) could end after "guide" and silence,
        # where eSpeak NG said "back" (measured: 2 more of the 63 commands, 2 of the tuning 81).
        last_pass = {"bestpath": not wake}
        self._decoders: dict[str, Any] = {
            "commands": Decoder(**files, **wide, **last_pass),
            "said": Decoder(**files, **(wide if wake else narrow), **last_pass),
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
        self._wake = wake
        self.accept = accept
        self.reading: Callable[[float], Sequence[str]] = lambda _end_s: texts
        self._searches: dict[tuple[str, ...], str] = {}  # lines read -> the said decoder's search
        self._decoders["commands"].add_jsgf_string("commands", grammar(wake, []))
        self._decoders["commands"].activate_search("commands")
        if not wake:
            known = {word for word in _words(texts) if said.lookup_word(word) is not None}
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
        if self._wake:
            self._read(self.reading(end_s))
            said, _ = self._search("said", audio)
            if said is None:  # a piece of the lines being read fits better
                return []  # (a different command: the commands alone tell them apart better)
        else:
            said, said_score = self._search("said", audio)
            frames = len(audio) // 2 * 100 // SAMPLE_RATE  # pocketsphinx's 10 ms frames
            if said != command and not (said_score - command_score) / max(1, frames) <= MARGIN:
                return []
        return [Heard(COMMANDS[command], command, start_s, end_s)]

    def _read(self, lines: Sequence[str]) -> None:
        """Make the said decoder's search the wake word and commands or a piece of ``lines``."""
        said = self._decoders["said"]
        key = tuple(lines)
        if key not in self._searches:
            name = self._searches[key] = f"lines{len(self._searches)}"
            known = lambda word: said.lookup_word(word) is not None  # noqa: E731
            grammar = lines_grammar(key, known)
            said.add_fsg(name, said.create_fsg(name, START, END, grammar))
        said.activate_search(self._searches[key])

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
    return {w for text in texts for w in re.findall(r"[a-z']+", text.lower())} | set(EVERYDAY)

"""Deciding what one utterance was, with pocketsphinx (its wheel carries a US English model). Each
utterance of a command's length is decoded against:

- the commands alone (after the wake word, when one is asked for): the command it sounds most
  like, or nothing for sound that fits no command at all (a chime, a breath);
- each command on its own (the closed-set second opinion): how much better the best command fits
  than the best command of another action, per frame. Below :data:`SURE` the utterance is
  "not caught": nothing is done, and the listener says so with a soft sound. A command heard as
  another is worse than a command missed, for someone with closed eyes;
- what else it may be: bare commands, the commands or any run of other words (the routine's own
  frequent words and everyday ones). When that path fits the sound better than the command did,
  per frame, it was speech that is not a command. After the wake word (``--prompter``: a
  caregiver reads the lines aloud), "guide" and a command, or any piece of the lines being read
  then (:mod:`voiceguide.listen.reading`). Only when the command's path wins is it a command.

The decoder holds Python's interpreter lock while it decodes (320-330 ms for a bare command,
measured): the player runs this in a process of its own (:mod:`.decoder_process`).

Input: 16 kHz mono 16-bit samples of one utterance. Output: a :class:`Decision`.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from voiceguide.listen import second_opinion
from voiceguide.listen.commands import COMMANDS, EVERYDAY, WAKE_WORD, other_words
from voiceguide.listen.second_opinion import SecondOpinion
from voiceguide.listen.utterances import SAMPLE_RATE

MARGIN = 0.0  # bare commands: how much better per frame (the decoder's log units) the other-words
# path may fit and the command still be taken. Chosen on scripts/bench_listen.py's tuning voices
# and a reading of another routine, not on the figures reported.
SURE = {False: 3.0, True: 1.0}  # bare commands, after the wake word: how much better per frame
# the best command must fit than the commands of another action, or it is "not caught". Chosen
# by scripts/bench_listen.py on the eSpeak NG and Piper families (the margin that maximises
# detected minus five times heard-as-another), reported on the held-out pyttsx3 family.
SURE_OPINION = {False: 1.5, True: 1.0}  # the same with the second opinion: how much likelier
# (natural log) the best command must be than the best of another action. Chosen by
# scripts/bench_listen.py on the pyttsx3 and Kokoro families (its fold 2; held out: eSpeak NG and
# Piper). Its fold 1, tuned on eSpeak NG and Piper, chose 0 (docs/voice-commands.md).
OVERRULE = {False: 3.5, True: 3.5}  # bare, after the wake word: when pocketsphinx heard no
# command, the second opinion's margin above which its command is taken all the same, if its
# text is at least LIKELY (natural log). Chosen on the tuning families and the sessions playing
# into the microphone (scripts/bench_listen.py).
LIKELY = -45.0
LEVEL_DBFS: float | None = None  # when set, an utterance is brought to this level (RMS of its
# loud part) before decoding (measured with scripts/bench_listen.py --level-dbfs)


@dataclass(frozen=True, slots=True)
class Decision:
    word: str | None  # the command word said (None: not a command, or not caught)
    unsure: bool = False  # a command, but not clearly which: say "not caught"
    margin: float = math.inf  # best command against the best of another action, per frame


def grammar(wake: bool, others: list[str], words: Sequence[str] = tuple(COMMANDS)) -> str:
    commands = " | ".join(words)
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


def level(audio: bytes, level_dbfs: float) -> bytes:
    """``audio`` brought to ``level_dbfs`` RMS over its loudest tenth of 10 ms frames."""
    samples = np.frombuffer(audio, "<i2").astype(np.float32) / 32768
    frames = samples[: len(samples) // 160 * 160].reshape(-1, 160)
    if not len(frames):
        return audio
    powers = np.sort(np.mean(frames * frames, axis=1))[::-1]
    loud = float(np.mean(powers[: max(1, len(powers) // 10)]))
    if loud <= 1e-10:
        return audio
    gain = 10 ** (level_dbfs / 20) / math.sqrt(loud)
    return (np.clip(samples * gain, -1, 32767 / 32768) * 32768).astype("<i2").tobytes()


class Decoding:
    """:meth:`decide` what one utterance was."""

    def __init__(
        self,
        texts: Sequence[str],
        *,
        wake: bool,
        sure: float | None = None,
        level_dbfs: float | None = LEVEL_DBFS,
        opinion: SecondOpinion | bool | None = True,
    ) -> None:
        """``opinion``: the closed-set second opinion that decides which command an utterance
        was (True: :class:`~.second_opinion.SecondOpinion` when it is installed; False or None:
        pocketsphinx's runner-up margin alone)."""
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
            # the runner-up's scores come from the first pass (the lattice's best path scores
            # differently from one grammar to the next: a margin of the two was noise)
            "runner-up": Decoder(**files, **wide, bestpath=False),
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
        self._wake = wake
        if opinion is True:
            opinion = second_opinion.load()
        self._opinion = opinion or None
        table = SURE_OPINION if self._opinion is not None else SURE
        self._sure = table[wake] if sure is None else sure
        self._level_dbfs = level_dbfs
        self._texts = tuple(texts)
        self._reading = False  # the last utterance fit a piece of the lines being read better
        self._searches: dict[tuple[str, ...], str] = {}  # lines read -> the said decoder's search
        self._decoders["commands"].add_jsgf_string("commands", grammar(wake, []))
        self._decoders["commands"].activate_search("commands")
        runner_up = self._decoders["runner-up"]
        runner_up.add_jsgf_string("commands", grammar(wake, []))
        for action in sorted(set(COMMANDS.values())):  # every other action's commands
            others = [word for word, of in COMMANDS.items() if of != action]
            runner_up.add_jsgf_string(f"without-{action}", grammar(wake, [], others))
        if not wake:
            known = {word for word in _words(texts) if said.lookup_word(word) is not None}
            said.add_jsgf_string("said", grammar(wake, other_words(texts, known)))
            said.activate_search("said")

    def decide(self, audio: bytes, lines: Sequence[str] | None = None) -> Decision:
        """What ``audio`` (one utterance) was. ``lines`` (after the wake word): what someone may
        be reading aloud then; all of the texts unless given."""
        if self._level_dbfs is not None:
            audio = level(audio, self._level_dbfs)
        self._reading = False
        command = self._command(audio, lines)
        if self._opinion is None:
            if command is None:
                return Decision(None)
            margin = self._margin(command, audio)
        else:
            best, margin, likelihood = self._second_opinion(audio)
            if command is None:  # pocketsphinx heard no command: only a clear one is taken
                if self._reading or margin < OVERRULE[self._wake] or likelihood < LIKELY:
                    return Decision(None)
                return Decision(best, margin=margin)
            if COMMANDS[best] != COMMANDS[command] and margin < OVERRULE[self._wake]:
                # the two disagree and Whisper is not clear: not caught (eSpeak NG's "guide
                # softer": pocketsphinx softer, Whisper stop by 1.8)
                return Decision(None, unsure=True, margin=margin)
            command = best
        if margin < self._sure:
            return Decision(None, unsure=True, margin=margin)
        return Decision(command, margin=margin)

    def _command(self, audio: bytes, lines: Sequence[str] | None) -> str | None:
        """The command pocketsphinx heard, or None: no command fits at all (a chime, a breath),
        or the other words (the lines being read, after the wake word) fit better."""
        command, command_score = self._search("commands", None, audio)
        if command is None:
            return None
        if self._wake:
            self._read(self._texts if lines is None else lines)
            said, _ = self._search("said", None, audio)
            if said is None:  # a piece of the lines being read fits better
                self._reading = True  # (never overruled: a caregiver reading a command word)
                return None  # (a different command: the commands alone tell them apart)
        else:
            said, said_score = self._search("said", None, audio)
            frames = len(audio) // 2 * 100 // SAMPLE_RATE  # pocketsphinx's 10 ms frames
            if said != command and not (said_score - command_score) / max(1, frames) <= MARGIN:
                return None
        return command

    def _second_opinion(self, audio: bytes) -> tuple[str, float, float]:
        """The command Whisper finds likeliest, by how much (natural log) over the likeliest
        command of another action, and its own log-probability."""
        assert self._opinion is not None
        scores = self._opinion.scores(audio, self._wake)
        best = max(scores, key=lambda word: scores[word])
        other = max(score for word, score in scores.items() if COMMANDS[word] != COMMANDS[best])
        return best, scores[best] - other, scores[best]

    def _margin(self, command: str, audio: bytes) -> float:
        """How much better per frame the commands fit ``audio`` than the commands of another
        action than ``command``'s (first-pass scores, the same beams)."""
        frames = max(1, len(audio) // 2 * 100 // SAMPLE_RATE)
        _, best_score = self._search("runner-up", "commands", audio)
        _, other_score = self._search("runner-up", f"without-{COMMANDS[command]}", audio)
        return (best_score - other_score) / frames

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

    def _search(
        self, decoder_name: str, search: str | None, audio: bytes
    ) -> tuple[str | None, float]:
        """The command heard (None: none, or other words) and the hypothesis' score (in the
        decoder's log units: its ``score`` is a likelihood, exp of that)."""
        decoder = self._decoders[decoder_name]
        if search is not None:
            decoder.activate_search(search)
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


def _words(texts: Sequence[str]) -> set[str]:
    return {w for text in texts for w in re.findall(r"[a-z']+", text.lower())} | set(EVERYDAY)

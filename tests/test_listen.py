"""Voice commands: the gate (the timeline), the recognizer on commands spoken by the project's own
neural voice, and the listener driving a real controller."""

from __future__ import annotations

import dataclasses
import importlib.util
import time
from collections.abc import Iterator

import numpy as np
import pytest
import soxr

from voiceguide.listen.commands import COMMANDS, WAKE_WORD
from voiceguide.listen.gate import Gate
from voiceguide.listen.recognizer import SAMPLE_RATE, Recognizer

needs_engines = pytest.mark.skipif(
    importlib.util.find_spec("piper") is None or importlib.util.find_spec("pocketsphinx") is None,
    reason="needs the neural voice and pocketsphinx",
)


def test_the_gate_is_closed_while_the_guide_speaks() -> None:
    gate = Gate([(2.0, 4.0), (4.5, 6.0), (10.0, 11.0)], margin_s=0.25)
    assert gate.open(0.0, 1.7)
    assert not gate.open(1.0, 1.8)  # (the margin)
    assert not gate.open(4.1, 4.4)  # between two lines closer than the margins
    assert gate.open(6.3, 9.7)
    assert not gate.open(6.3, 12.0)  # spans a line
    assert Gate([]).open(0.0, 100.0)


def test_the_gate_is_closed_while_the_guide_says_the_breathing_words() -> None:
    """The breathing words ("Breathe in", "And out") are the guide's voice too: they were left
    open, and a loudspeaker's "in ... and down" was heard as "continue" or "louder"."""
    from tests.fakes import tone_mix
    from voiceguide.listen.listener import voice_spans
    from voiceguide.routinefile import parse_routine

    routine = parse_routine(
        b"title: T\ndescription: D\naudience: self\nlanguage: en\nsteps:\n"
        b"  - id: a\n    title: A\n    duration: 40s\n    say: Rest.\n"
        b"    breathe: {pattern: calm, cycles: 3, spoken: 2}\n",
        source="t.yaml",
        name="t",
    )
    timeline = tone_mix(routine, 16000).timeline
    breaths = [e for e in timeline.events if e.kind == "breath"]
    assert len(breaths) == 4  # in and out, twice
    gate = Gate(voice_spans(timeline))
    for event in breaths:
        assert not gate.open(event.start_s, event.end_s)
    last = max(e.end_s for e in timeline.events)
    assert gate.open(last + 0.5, last + 1.5)  # the third breath, tones only


def test_the_lines_read_are_the_prompters_line_two_before_and_the_next() -> None:
    from voiceguide.listen.reading import Reading

    reading = Reading([(10.0, "c"), (0.0, "a"), (5.0, "b"), (15.0, "d"), (20.0, "e")])
    assert reading.around(-1.0) == ("a",)  # "get ready": the first line is next
    assert reading.around(7.0) == ("a", "b", "c")
    assert reading.around(16.0) == ("b", "c", "d", "e")
    assert reading.around(99.0) == ("c", "d", "e")


def test_the_lines_grammar_takes_any_run_of_a_lines_words_or_the_wake_word_and_a_command() -> None:
    from voiceguide.listen.recognizer import lines_grammar

    lines = ["Press the palm, gently!", "Don\u2019t stop: 10 times, then rest."]
    transitions = lines_grammar(lines, known=lambda word: word != "palm")
    words: dict[int, list[tuple[int, str]]] = {}
    ends = set()
    for transition in transitions:
        if len(transition) == 4:
            words.setdefault(transition[0], []).append((transition[1], transition[3]))
        else:
            assert transition[1] == 1  # a word-less transition only ever ends
            ends.add(transition[0])

    def says(phrase: str) -> bool:
        states = {0}
        for word in phrase.split():
            states = {to for state in states for to, said in words.get(state, []) if said == word}
        return bool(states & ({1} | ends))

    assert says(f"{WAKE_WORD} pause") and says(f"{WAKE_WORD} ready")
    assert says("press the") and says("the") and says("gently")
    assert not says("palm") and not says("the gently")  # not known: the line is two runs
    assert not says("the press") and not says(WAKE_WORD) and not says("pause")
    assert says("don't stop") and says("times then rest") and not says("stop times")  # ("10")
    assert not says("gently don't")  # one line does not run into the next


@pytest.mark.skipif(importlib.util.find_spec("pocketsphinx") is None, reason="needs pocketsphinx")
def test_the_listener_gives_the_recognizer_the_lines_where_the_session_is() -> None:
    """Playing: the lines around the session's position when the utterance ended; paused (the
    caregiver may say "guide continue" then): the lines around where it stopped, however long
    ago the utterance was heard."""
    from voiceguide.listen.listener import Listener
    from voiceguide.listen.reading import Reading

    class Player:
        at_s: float | None = 31.0

        def perform(self, action: str, *, heard: bool = False) -> str:
            return action

        def playing_at_s(self) -> float | None:
            return self.at_s

        def position_s(self) -> float:
            return 52.0 if self.at_s is None else self.at_s

        def not_caught(self) -> None:
            raise AssertionError("nothing was said")

    player = Player()
    recognizer = Recognizer(["Rest."], wake=True)
    lines = Reading((10.0 * n, f"line {n}") for n in range(10))
    listener = Listener(player, recognizer, Gate([]), lines)
    try:
        assert recognizer.reading is not None
        assert recognizer.reading(0.0) == ("line 1", "line 2", "line 3", "line 4")
        assert recognizer.reading(-12.0) == ("line 0", "line 1", "line 2")  # heard 12 s ago
        player.at_s = None  # paused at 52 s
        assert recognizer.reading(-12.0) == ("line 3", "line 4", "line 5", "line 6")
    finally:
        listener.stop()


@pytest.fixture(scope="module")
def spoken() -> Iterator[dict[str, bytes]]:
    """Each command, alone and after the wake word, and two lines that are not commands, spoken
    by the Piper voice: 16 kHz 16-bit with a second of silence either side."""
    from voiceguide.speech.voicing import get_engine

    engine = get_engine("piper")
    texts = [*COMMANDS, *(f"{WAKE_WORD} {word}" for word in COMMANDS)]
    texts += ["Next, the fingers.", "Now press a little softer, and repeat on the other side."]
    voice = dataclasses.replace(
        engine.default_voice, rate_wpm=182
    )  # length scale 1.42: the pace the listener was tuned on
    clips = engine.synthesize(texts, voice)
    silence = np.zeros(SAMPLE_RATE, np.float32)
    result = {}
    for text, clip in zip(texts, clips, strict=True):
        samples = soxr.resample(clip.samples, clip.sample_rate, SAMPLE_RATE)
        audio = np.concatenate([silence, 0.3 * samples / np.abs(samples).max(), silence])
        result[text] = (audio * 32767).astype("<i2").tobytes()
    yield result


def _hear(recognizer: Recognizer, pcm: bytes) -> list[str]:
    """The command words heard ("": a command not caught)."""
    words: list[str] = []
    for start in range(0, len(pcm), 3200):  # 100 ms at a time, as the microphone gives it
        words += [heard.word for heard in recognizer.feed(pcm[start : start + 3200])]
    return words


@needs_engines
@pytest.mark.real
def test_every_command_is_heard_alone_and_after_the_wake_word(spoken: dict[str, bytes]) -> None:
    """Every command alone; after the wake word every one but at most one, which is then "not
    caught" (its margin over another action's commands below SURE: Piper's "guide next" here),
    never heard as another."""
    bare = Recognizer(["Rest your hands."], wake=False)
    woken = Recognizer(["Rest your hands."], wake=True)
    after_wake = {word: _hear(woken, spoken[f"{WAKE_WORD} {word}"]) for word in COMMANDS}
    for word in COMMANDS:
        assert _hear(bare, spoken[word]) == [word]
        assert after_wake[word] in ([word], [""]), after_wake
    assert sum(heard == [word] for word, heard in after_wake.items()) >= len(COMMANDS) - 1


@pytest.mark.skipif(importlib.util.find_spec("pocketsphinx") is None, reason="needs pocketsphinx")
@pytest.mark.real
def test_an_espeak_ng_voice_is_heard_and_never_as_another_command() -> None:
    """eSpeak NG's formant voice, which the model hears poorly: at least 12 of its 18 commands
    (alone and after the wake word) are heard over a microphone's noise floor, none as another
    command (before the commands-first decoding: 14, and "guide next" heard as "repeat"; 15 before
    the not-caught margin, which gives up 3 here to be sure elsewhere, docs/voice-commands.md)."""
    from voiceguide.speech.base import Voice
    from voiceguide.speech.voicing import get_engine

    texts = [*COMMANDS, *(f"{WAKE_WORD} {word}" for word in COMMANDS)]
    clips = get_engine("espeak").synthesize(texts, Voice("en-us", 150, 50))
    bare = Recognizer(["Rest your hands."], wake=False)
    woken = Recognizer(["Rest your hands."], wake=True)
    noise = np.random.default_rng(0)
    silence = np.zeros(SAMPLE_RATE, np.float32)
    heard = {}
    for text, clip in zip(texts, clips, strict=True):
        samples = soxr.resample(clip.samples, clip.sample_rate, SAMPLE_RATE)
        audio = np.concatenate([silence, 0.3 * samples / np.abs(samples).max(), silence])
        audio += 0.003 * noise.standard_normal(len(audio)).astype(np.float32)  # -50 dBFS
        pcm = (audio * 32767).astype("<i2").tobytes()
        heard[text] = _hear(woken if text.startswith(WAKE_WORD) else bare, pcm)
    assert all(words in ([], [""], [text.split()[-1]]) for text, words in heard.items()), str(heard)
    assert sum(words == [text.split()[-1]] for text, words in heard.items()) >= 12, heard


@needs_engines
@pytest.mark.real
def test_a_command_followed_by_quieter_sound_ends_at_the_word(spoken: dict[str, bytes]) -> None:
    """A chime or the soundscape right after a command keeps the voice-activity endpointer in
    speech: the utterance ends where the sound stays 20 dB below the word, so
    the command is heard well within a second of its end (the endpointer alone: not before the
    sound stops)."""
    from voiceguide.listen.recognizer import CUT
    from voiceguide.listen.utterances import EDGE_S, Utterances

    word = np.frombuffer(spoken["continue"], "<i2")[SAMPLE_RATE:-SAMPLE_RATE]  # no silence
    after = np.tile(word // 40, 4)  # the same sound 32 dB quieter, for 4 words' time
    silence = np.zeros(SAMPLE_RATE, np.int16)
    pcm = np.concatenate([silence, word, after, silence]).astype("<i2").tobytes()
    word_end_s = 1 + len(word) / SAMPLE_RATE
    for cut in CUT.values():  # ends at the word (and the silence kept after it), not the wait
        ends = [u.end_s for u in Utterances(cut=cut).feed(pcm)]
        assert ends and word_end_s - 0.1 < ends[0] <= word_end_s + EDGE_S + 0.1, (cut, ends)
    uncut = [u.end_s for u in Utterances(cut=None).feed(pcm)]
    assert uncut and uncut[0] > word_end_s + 1.5, uncut  # what the cut is for
    bare = Recognizer(["Rest your hands."], wake=False)
    heard = [h for start in range(0, len(pcm), 3200) for h in bare.feed(pcm[start : start + 3200])]
    assert [h.word for h in heard][:1] == ["continue"]
    assert heard[0].end_s <= word_end_s + 0.5


@needs_engines
@pytest.mark.real
def test_the_guides_echo_running_into_a_command_is_not_part_of_it(spoken: dict[str, bytes]) -> None:
    """The loudspeaker's echo of the guide's last words, its soundscape, then a command: the
    endpointer keeps all of it one utterance (too long for a command, and starting over the
    guide's voice, where the gate is shut). The utterance starts where the command's loud part
    does, give or take the silence kept before it."""
    from voiceguide.listen.recognizer import CUT
    from voiceguide.listen.utterances import EDGE_S, Utterances

    def unpadded(text: str) -> np.ndarray:
        return np.frombuffer(spoken[text], "<i2")[SAMPLE_RATE:-SAMPLE_RATE]

    command = unpadded("continue")
    bed = np.tile(command // 12, 9)  # a voice-like bed 22 dB under the command
    bed = bed[: len(unpadded("Next, the fingers.")) + SAMPLE_RATE * 7 // 10]
    bed[: len(unpadded("Next, the fingers."))] += unpadded("Next, the fingers.") // 5  # 14 dB
    silence = np.zeros(SAMPLE_RATE, np.int16)
    pcm = np.concatenate([silence, bed, command, silence]).astype("<i2").tobytes()
    command_s = 1 + len(bed) / SAMPLE_RATE
    uncut = Utterances(cut=None).feed(pcm)
    assert uncut[0].start_s < 1.2 and uncut[0].end_s > command_s + 0.5  # what the cut is for
    for cut in CUT.values():
        utterance = Utterances(cut=cut).feed(pcm)[-1]
        assert command_s - EDGE_S - 0.1 <= utterance.start_s <= command_s, (cut, utterance)
        assert utterance.end_s - utterance.start_s <= len(command) / SAMPLE_RATE + 2 * EDGE_S
    heard = _hear(Recognizer(["Next, the fingers."], wake=False), pcm)
    # the command, and no other (the voice-like bed before it may be "not caught": the soft notes,
    # nothing done: with the second opinion it is)
    assert [word for word in heard if word] == ["continue"], heard


@needs_engines
@pytest.mark.real
def test_a_caregiver_reading_lines_aloud_is_not_a_command_with_the_wake_word(
    spoken: dict[str, bytes],
) -> None:
    lines = ["Next, the fingers.", "Now press a little softer, and repeat on the other side."]
    woken = Recognizer(lines, wake=True)
    for line in lines:
        assert _hear(woken, spoken[line]) == []


@needs_engines
@pytest.mark.real
def test_a_command_after_the_wake_word_is_heard_while_the_lines_read_hold_its_word(
    spoken: dict[str, bytes],
) -> None:
    """The lines a caregiver reads may say "next", "softer" or "repeat" themselves: "guide" and
    the command still fit the command's path better than any piece of them (the lines' check
    alone: no not-caught margin)."""
    from voiceguide.listen.decoding import Decoding

    lines = ["Next, the fingers.", "Now press a little softer, and repeat on the other side."]
    decider = Decoding(lines, wake=True, sure=-float("inf"))
    woken = Recognizer(lines, wake=True, decider=decider)
    for word in ("next", "softer", "repeat", "pause"):
        assert _hear(woken, spoken[f"{WAKE_WORD} {word}"]) == [word]


@needs_engines
@pytest.mark.real
def test_the_listener_drives_the_controller_and_confirms_by_ear(spoken: dict[str, bytes]) -> None:
    from tests.fakes import tone_mix
    from tests.test_player_controller import ROUTINE
    from voiceguide.listen.listener import Listener
    from voiceguide.player.controller import Controller, State
    from voiceguide.render.mix import MixRenderer
    from voiceguide.routinefile import parse_routine

    mix = tone_mix(parse_routine(ROUTINE, source="t.yaml", name="t"), 44100)
    controller = Controller(MixRenderer(mix), mix.timeline)
    listener = Listener(controller, Recognizer(["Rest."], wake=False), Gate([]))
    try:
        controller.pull(44100)
        listener.take(spoken["pause"])
        deadline = time.monotonic() + 60
        while not listener.heard:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert controller.state is State.PAUSED
        audio = np.concatenate([controller.pull(441) for _ in range(30)])
        assert 0.01 < float(np.abs(audio[1500:]).max()) <= 0.06  # the soft falling notes
    finally:
        listener.stop()


def test_a_routine_can_ask_for_voice_commands() -> None:
    from voiceguide.errors import RoutineError
    from voiceguide.routinefile import parse_routine

    base = (
        b"title: T\ndescription: D\naudience: self\nlanguage: en\n%s\nsteps:\n"
        b"  - id: a\n    title: A\n    duration: 20s\n    say: Rest.\n"
    )
    assert parse_routine(base % b"listen: true", source="t.yaml", name="t").listen
    assert not parse_routine(base % b"", source="t.yaml", name="t").listen
    with pytest.raises(RoutineError, match=r"t\.yaml:5: listen"):
        parse_routine(base % b"listen: maybe", source="t.yaml", name="t")


@needs_engines
@pytest.mark.real
def test_the_decoder_process_decides_as_decoding_here_and_is_restarted_when_it_dies(
    spoken: dict[str, bytes],
) -> None:
    """The player decodes in a helper process (pocketsphinx holds the interpreter lock while it
    decodes): the same decisions as here; a helper killed is started again."""
    import os
    import signal

    from voiceguide.listen.decoder_process import DecoderProcess
    from voiceguide.listen.decoding import Decoding

    texts = ["Rest your hands.", "Now press a little softer."]
    here = Decoding(texts, wake=False)
    helper = DecoderProcess(texts, wake=False)
    try:
        for text in ("pause", "softer", "Next, the fingers."):
            assert helper.decide(spoken[text]) == here.decide(spoken[text]), text
        assert here.decide(spoken["pause"]).word == "pause"
        worker = helper._worker
        assert worker is not None
        os.kill(worker.process.pid, signal.SIGKILL)
        assert helper.decide(spoken["louder"]).word == "louder"
        assert helper._worker is not None and helper._worker is not worker
    finally:
        helper.close()
    assert worker.process.poll() is not None


@needs_engines
@pytest.mark.real
def test_a_command_not_caught_changes_nothing_and_plays_the_soft_notes(
    spoken: dict[str, bytes],
) -> None:
    """A command heard but not clearly which (its margin over the runner-up below SURE): nothing
    is done, and the "nothing changed" notes say so."""
    from tests.fakes import tone_mix
    from tests.test_player_controller import ROUTINE
    from voiceguide.listen.decoding import Decision
    from voiceguide.listen.listener import Listener
    from voiceguide.listen.recognizer import NOT_CAUGHT
    from voiceguide.player.controller import Controller, State
    from voiceguide.render.mix import MixRenderer
    from voiceguide.routinefile import parse_routine

    class Unsure:
        def decide(self, audio: bytes, lines: object = None) -> Decision:
            return Decision(None, unsure=True, margin=0.5)

    mix = tone_mix(parse_routine(ROUTINE, source="t.yaml", name="t"), 44100)
    heard, untouched = (
        Controller(MixRenderer(mix), mix.timeline),
        Controller(MixRenderer(mix), mix.timeline),
    )
    listener = Listener(heard, Recognizer(["Rest."], wake=False, decider=Unsure()), Gate([]))
    try:
        heard.pull(44100)
        untouched.pull(44100)
        listener.take(spoken["pause"])
        deadline = time.monotonic() + 60
        while not listener.heard:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert [h.action for h in listener.heard] == [NOT_CAUGHT]
        assert heard.state is State.PLAYING
        notes = heard.pull(22050) - untouched.pull(22050)
        spectrum = np.abs(np.fft.rfft(notes[:, 0]))
        assert abs(float(np.argmax(spectrum)) * 44100 / 22050 - 392) < 5  # the low note
        assert heard.position_s() == untouched.position_s()
    finally:
        listener.stop()

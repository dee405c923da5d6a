"""`play --listen` for real: the player as a process, its microphone and speaker ALSA's file plugin
on a card that runs in real time (tests/clocked.py), commands spoken over room noise by a voice of
a family held out of the recognizer's tuning (the caregiver's reading: the project's neural
voice); what reached the speaker is read back and compared with the export.
Underruns are measured by ``scripts/bench_play.py --listen``, not asserted here: the card keeps
every frame the player wrote, so the comparison holds either way, and on a loaded machine they
come and go with the load, listening or not."""

from __future__ import annotations

import dataclasses
import importlib.util
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.clocked import ClockedCard, Microphone
from tests.conftest import run_cli
from tests.proctree import kill_tree

pytestmark = [
    pytest.mark.real,
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec("piper") is None
        or importlib.util.find_spec("onnxruntime") is None
        or importlib.util.find_spec("pocketsphinx") is None,
        reason="needs the neural voices (Piper, Kokoro) and pocketsphinx",
    ),
]

ROUTINE = """
title: Listening
description: A short session to be paused, resumed and skipped by voice.
audience: self
language: en
soundscape: {name: rain}
steps:
  - id: settle
    title: Settle
    duration: 20s
    say: Rest your hands in your lap.
  - id: rub
    title: Rub
    duration: 10s
    say: Now rub your palms together.
"""
MIC_RATE = 16000
ROOM_DB = -55.0  # room noise at the microphone
SPEECH_RMS = 0.1  # a command said at arm's length: about -20 dBFS
SAID = (("pause", 7.0), ("continue", 13.0), ("next", 17.0))  # what is said, and when (s from the
# microphone's opening): while the guide is silent (its first line ends about 5 s in)
HELD_OUT = ("kokoro", "bf_emma", 150, 50)  # a voice of scripts/bench_listen.py's held-out
# Kokoro family (the recognizer's settings were chosen on eSpeak NG and Piper)
MATCH = 2e-4  # the same audio as the export (whose WAV rounds to 16 bits)


@dataclasses.dataclass(frozen=True)
class Said:
    pcm: np.ndarray  # 16 kHz int16, the whole script, room noise throughout
    ends_s: dict[str, float]  # where each command's last sound ends


def _speak(script: tuple[tuple[str, float], ...], seed: int, *, held_out: bool = False) -> Said:
    """``script``'s texts said at their times over room noise: by the Piper voice, or (``held_out``)
    by a voice of a family the recognizer's settings were never chosen on (HELD_OUT)."""
    import soxr

    from voiceguide.speech.base import Voice
    from voiceguide.speech.voicing import get_engine

    if held_out:
        engine = get_engine(HELD_OUT[0])
        voice = Voice(*HELD_OUT[1:])
    else:
        engine = get_engine("piper")
        voice = dataclasses.replace(
            engine.default_voice, rate_wpm=182
        )  # length scale 1.42: the pace the listener was tuned on (as tests/test_listen.py)
    clips = engine.synthesize([text for text, _ in script], voice)
    rng = np.random.default_rng(seed)
    total_s = script[-1][1] + 3.0
    heard = rng.standard_normal(round(total_s * MIC_RATE)) * 10 ** (ROOM_DB / 20)
    ends = {}
    for (text, at_s), clip in zip(script, clips, strict=True):
        speech = soxr.resample(clip.samples, clip.sample_rate, MIC_RATE).astype(np.float64)
        speech *= SPEECH_RMS / np.sqrt(np.mean(speech**2))
        at = round(at_s * MIC_RATE)
        heard[at : at + len(speech)] += speech
        loud = np.flatnonzero(np.abs(speech) > 0.05 * np.abs(speech).max())
        ends[text] = (at + int(loud[-1])) / MIC_RATE
    return Said(np.rint(np.clip(heard, -1, 1) * 32767).astype(np.int16), ends)


@pytest.fixture(scope="module")
def said() -> Said:
    return _speak(SAID, 13, held_out=True)


def _microphone(said: Said) -> Microphone:
    rng = np.random.default_rng(14)
    room = np.rint(rng.standard_normal(MIC_RATE) * 10 ** (ROOM_DB / 20) * 32767).astype(np.int16)

    def hear(first: int, count: int, _card: ClockedCard) -> np.ndarray:
        out = said.pcm[first : first + count]
        if len(out) < count:  # after the script: the room goes on
            more = np.resize(room, count - len(out))
            out = np.concatenate([out, more])
        return out

    return hear


@pytest.fixture
def routine(tmp_path: Path) -> Iterator[tuple[Path, np.ndarray, int, float]]:
    """The routine, its export (float32 stereo), the rate, and where its second step starts."""
    from voiceguide import api

    path = tmp_path / "listening.yaml"
    path.write_text(ROUTINE, encoding="utf-8")
    exported = tmp_path / "listening.wav"
    result = run_cli("export", str(path), "-o", str(exported))  # also warms the clip cache
    assert result.exit_code == 0, result
    reference, rate = soundfile.read(exported, dtype="float32")
    session = api.prepare(api.load(str(path)), api.SessionOptions())
    yield path, reference, rate, session.timeline.chapters[1].start_s


def _notes_hz(audio: np.ndarray, rate: int) -> tuple[float, float]:
    """The strongest frequency in each 100 ms half of a two-note confirmation tone."""
    frames = round(0.1 * rate)
    found = []
    for half in (audio[:frames, 0], audio[frames : 2 * frames, 0]):
        spectrum = np.abs(np.fft.rfft(half * np.hanning(len(half)), 16 * frames))
        found.append(float(np.argmax(spectrum)) * rate / (16 * frames))
    return found[0], found[1]


def _first_difference(played: np.ndarray, reference: np.ndarray, start: int, at: int) -> int:
    """The first frame from ``start`` of ``played`` that is not ``reference`` from ``at``."""
    length = min(len(played) - start, len(reference) - at)
    differs = np.abs(played[start : start + length] - reference[at : at + length]).max(axis=1)
    over = np.flatnonzero(differs > MATCH)
    return start + (int(over[0]) if len(over) else length)


def _located(needle: np.ndarray, reference: np.ndarray, near: int, within: int) -> int | None:
    """Where ``needle`` is, exactly, in ``reference`` within ``within`` frames of ``near``."""
    low = max(0, near - within)
    haystack = reference[low : near + within + len(needle), 0]
    size = 1 << int(np.ceil(np.log2(len(haystack) + len(needle))))
    spectrum = np.fft.rfft(haystack, size) * np.conj(np.fft.rfft(needle[:, 0], size))
    at = low + int(np.argmax(np.fft.irfft(spectrum, size)[: len(haystack) - len(needle) + 1]))
    same = float(np.abs(reference[at : at + len(needle)] - needle).max()) <= MATCH
    return at if same else None


def _play(path: Path, card: ClockedCard, *more: str) -> subprocess.CompletedProcess[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "voiceguide", "play", str(path), "--listen", *more],
        env=card.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        out, err = process.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        kill_tree(process.pid)
        out, err = process.communicate()
        raise AssertionError(f"the player did not finish:\n{err}") from None
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def test_spoken_commands_pause_resume_and_skip_the_session(
    tmp_path: Path, said: Said, routine: tuple[Path, np.ndarray, int, float]
) -> None:
    path, reference, rate, second_step_s = routine
    home = tmp_path / "home"
    home.mkdir()
    card = ClockedCard(home, _microphone(said), rate=rate, mic_rate=MIC_RATE)
    try:
        done = _play(path, card)
        card.eof.wait(5)
    finally:
        card.close()
    assert done.returncode == 0, done.stderr
    assert "listening for: pause, continue" in done.stderr
    assert "never stored" in done.stderr
    heard = [line for line in done.stderr.splitlines() if line.startswith("heard: ")]
    assert heard == ["heard: pause", "heard: continue", "heard: next"], done.stderr  # on screen too
    assert card.speaker_started is not None
    assert len(card.microphone_opens) == 1, card.microphone_opens
    played = card.played
    # the microphone's time on the speaker's clock (the first frame played is 0)
    mic_s = card.microphone_opens[0] - card.speaker_started
    second = 1 * rate

    # 1. The export, exactly, until "pause" was heard; then the falling notes and silence.
    paused = _first_difference(played, reference, 0, 0)
    heard_s = paused / rate - mic_s
    assert said.ends_s["pause"] < heard_s < said.ends_s["pause"] + 2.5, (
        f"the export played unchanged until {heard_s:.2f} s (microphone time); "
        f"the commands ended at {said.ends_s}"
    )
    fall = _notes_hz(played[paused + round(0.03 * rate) :], rate)  # (after the 30 ms fade)
    assert abs(fall[0] - 784) < 20 and abs(fall[1] - 523) < 20, fall
    sounding = np.flatnonzero(np.abs(played[paused:]).max(axis=1) > 0)
    gap = int(np.argmax(np.diff(sounding) > rate))  # the first second and more of nothing at all
    silence_from, resumed = paused + int(sounding[gap]) + 1, paused + int(sounding[gap + 1])
    assert silence_from - paused < 0.35 * rate  # only the fade and the notes before it
    pause_s = (resumed - paused) / rate
    spoken_gap_s = said.ends_s["continue"] - said.ends_s["pause"]
    assert abs(pause_s - spoken_gap_s) < 1.0, (pause_s, spoken_gap_s)

    # 2. "continue": the rising notes, and the session goes on where it paused.
    found = _located(played[resumed + second // 2 : resumed + second], reference, paused, second)
    assert found is not None  # the session's own audio, exactly, half a second after resuming
    at = found - second // 2
    assert abs(at - paused) < 0.05 * rate, (at, paused)  # (the pause's fade moved on 30 ms)
    notes = round(0.2 * rate)
    rise = _notes_hz(played[resumed : resumed + notes] - reference[at : at + notes], rate)
    assert abs(rise[0] - 523) < 20 and abs(rise[1] - 784) < 20, rise

    # 3. "next": the second step's start, from where it was; then the rest, exactly, to the end.
    skipped = _first_difference(played, reference, resumed + second // 2, at + second // 2)
    heard_s = skipped / rate - mic_s
    assert said.ends_s["next"] < heard_s < said.ends_s["next"] + 2.5, (heard_s, said.ends_s)
    step = round(second_step_s * rate)
    assert at + (skipped - resumed) < step - 3 * rate  # well before that step would have begun
    settled = skipped + round(0.25 * rate)  # after the cross-fade and the notes
    found = _located(played[settled : settled + second], reference, step, second)
    assert found is not None
    jumped = step - (found - settled)  # the frame where the step's start was played
    assert 0 <= skipped - jumped < 0.01 * rate, (skipped, jumped)
    rise = _notes_hz(played[jumped : jumped + notes] - reference[step : step + notes], rate)
    assert abs(rise[0] - 523) < 20 and abs(rise[1] - 784) < 20, rise
    rest = reference[found:]
    assert len(played) >= settled + len(rest)
    assert float(np.abs(played[settled : settled + len(rest)] - rest).max()) <= MATCH
    end = settled + len(rest)
    assert float(np.abs(played[end:]).max(initial=0.0)) == 0.0  # finished: then silence
    assert "finished" in done.stderr


READ = (
    ("Rest your hands in your lap.", 1.5),  # the prompter's line, read aloud: not a command
    ("guide pause", 7.0),
    ("Now rub your palms together.", 10.0),  # the next line, read ahead while paused
    ("guide continue", 14.0),
)


def test_with_the_prompter_a_caregiver_reads_aloud_and_commands_follow_the_wake_word(
    tmp_path: Path, routine: tuple[Path, np.ndarray, int, float]
) -> None:
    """``--prompter --listen``: the caregiver reads the lines aloud (nothing happens: what is
    played is what plays with nobody speaking, sample for sample), says "guide pause" (it
    pauses), reads the next line while paused (nothing happens) and says "guide continue" (it
    goes on from where it paused)."""
    path, _, rate, _ = routine

    def play(said: Said, name: str) -> tuple[np.ndarray, float, str]:
        home = tmp_path / name
        home.mkdir()
        card = ClockedCard(home, _microphone(said), rate=rate, mic_rate=MIC_RATE)
        try:
            done = _play(path, card, "--prompter")
            card.eof.wait(5)
        finally:
            card.close()
        assert done.returncode == 0, done.stderr
        assert 'say "guide" first' in done.stderr and "finished" in done.stderr
        if name == "reading":  # every command acted on is shown on the prompter's screen
            assert "heard: pause" in done.stderr and "heard: continue" in done.stderr
        assert card.speaker_started is not None
        return card.played, card.microphone_opens[0] - card.speaker_started, done.stderr

    alone, _, _ = play(Said(np.zeros(MIC_RATE, np.int16), {}), "nobody")  # the room only
    read = _speak(READ, 15)
    played, mic_s, _ = play(read, "reading")
    second = 1 * rate
    paused = _first_difference(played, alone, 0, 0)
    paused_s = paused / rate - mic_s  # microphone time
    ends = read.ends_s
    assert ends["guide pause"] < paused_s < ends["guide pause"] + 2.5, (paused_s, ends)
    sounding = np.flatnonzero(np.abs(played[paused:]).max(axis=1) > 0)
    gap = int(np.argmax(np.diff(sounding) > second))  # the first second and more of nothing
    resumed = paused + int(sounding[gap + 1])
    resumed_s = resumed / rate - mic_s
    assert ends["guide continue"] < resumed_s < ends["guide continue"] + 2.5, (resumed_s, ends)
    found = _located(played[resumed + second // 2 : resumed + second], alone, paused, second)
    assert found is not None  # the same session, half a second after resuming
    assert abs(found - second // 2 - paused) < 0.05 * rate  # from where it paused

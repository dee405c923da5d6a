"""The real pyttsx3 (its eSpeak driver on Linux, on the library from the espeakng-loader wheel)."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator

import numpy as np
import pytest

from tests.speechcheck import assert_speech
from voiceguide.errors import OptionError
from voiceguide.speech import Voice, get_engine

pytestmark = pytest.mark.real

TEXTS = [
    "Rest your hands in your lap, and let your shoulders drop.",
    "Now turn your right palm up, and breathe out slowly.",
    "One more long stroke.",
]


def test_each_text_gets_its_own_clip() -> None:
    """pyttsx3 writes only the last of several queued files; every clip here must be its own text."""
    engine = get_engine("pyttsx3")
    clips = engine.synthesize(TEXTS, engine.default_voice)
    assert len(clips) == 3
    for clip, text in zip(clips, TEXTS, strict=True):
        assert_speech(clip, text, engine.default_voice.rate_wpm)
    assert clips[2].duration_s < clips[0].duration_s / 1.5


def test_rate_applies_to_the_first_utterance() -> None:
    engine = get_engine("pyttsx3")
    (slow,) = engine.synthesize(TEXTS[:1], Voice("default", 120, 40))
    (fast,) = engine.synthesize(TEXTS[:1], Voice("default", 240, 40))
    assert 1.5 < slow.duration_s / fast.duration_s < 2.5, (slow.duration_s, fast.duration_s)


def test_deterministic_on_a_busy_machine() -> None:
    """The same lines, spoken again and again while both cores are kept busy, give the same
    samples. (On a busy machine eSpeak NG's own thread used to apply the rate after the words had
    started: about one clip in twenty came out at pyttsx3's initial 200 wpm.)"""
    engine = get_engine("pyttsx3")
    first = engine.synthesize(TEXTS[:2], engine.default_voice)
    with busy_cores(2):
        for _round in range(8):
            again = engine.synthesize(TEXTS[:2], engine.default_voice)
            for a, b in zip(first, again, strict=True):
                assert np.array_equal(a.samples, b.samples), (len(a.samples), len(b.samples))


@contextlib.contextmanager
def busy_cores(count: int) -> Iterator[None]:
    """``count`` processes spinning until the block ends."""
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def test_unknown_voice_is_a_clear_error() -> None:
    engine = get_engine("pyttsx3")
    with pytest.raises(OptionError, match="pyttsx3 has no voice 'nonsense-voice'"):
        engine.synthesize(["Hello."], Voice("nonsense-voice", 140, 40))


def test_lists_system_voices() -> None:
    engine = get_engine("pyttsx3")
    assert engine.identity(engine.default_voice).startswith("pyttsx3 2.")
    assert len(engine.voices()) > 10

"""The real eSpeak NG from the espeakng-loader wheel."""

from __future__ import annotations

import numpy as np
import pytest

from tests.speechcheck import assert_speech
from voiceguide.errors import OptionError
from voiceguide.speech import Clip, Voice, get_engine
from voiceguide.speech.espeak import EspeakEngine

pytestmark = pytest.mark.real

TEXT = "Rest your hands in your lap, and let your shoulders drop."


def test_speaks_real_speech_at_its_own_rate() -> None:
    engine = get_engine("espeak")
    (clip,) = engine.synthesize([TEXT], engine.default_voice)
    assert clip.sample_rate == 22050
    assert clip.samples.dtype == np.float32
    assert_speech(clip, TEXT, engine.default_voice.rate_wpm)


def test_rate_pitch_and_variants_change_the_sound() -> None:
    engine = EspeakEngine()
    slow, fast, low, male = (
        engine.synthesize([TEXT], Voice("en-us+f3", 120, 40))
        + engine.synthesize([TEXT], Voice("en-us+f3", 240, 40))
        + engine.synthesize([TEXT], Voice("en-us+f3", 120, 10))
        + engine.synthesize([TEXT], Voice("en-us+m3", 120, 40))
    )
    assert 1.5 < slow.duration_s / fast.duration_s < 2.5
    assert not np.array_equal(slow.samples, low.samples)
    assert not np.array_equal(slow.samples, male.samples)
    assert_speech(fast, TEXT, 240)


def test_same_text_same_samples() -> None:
    engine = EspeakEngine()
    first = engine.synthesize([TEXT, "Breathe in."], engine.default_voice)
    second = engine.synthesize([TEXT, "Breathe in."], engine.default_voice)
    assert all(np.array_equal(a.samples, b.samples) for a, b in zip(first, second, strict=True))


def test_unknown_voice_is_a_clear_error() -> None:
    engine = EspeakEngine()
    with pytest.raises(
        OptionError, match="eSpeak NG has no voice 'xx-nonsense'; 'voiceguide voices' lists them"
    ):
        engine.synthesize(["Hello."], Voice("xx-nonsense", 140, 40))


def test_lists_voices_and_identity() -> None:
    engine = EspeakEngine()
    names = {voice.name for voice in engine.voices()}
    assert {"en-us", "de", "fr-fr"} <= names
    assert engine.identity(engine.default_voice).startswith("espeak-ng from espeakng-loader 0.")


def test_markup_is_spoken_as_text_not_obeyed() -> None:
    engine = EspeakEngine()
    (plain,) = engine.synthesize(["Rest."], engine.default_voice)
    (marked,) = engine.synthesize(['Rest. <break time="5s"/>'], engine.default_voice)
    assert marked.duration_s > plain.duration_s  # the markup is read out as words ...
    assert _longest_silence_s(marked) < 1.0  # ... and no five-second break was inserted


def _longest_silence_s(clip: Clip) -> float:
    """The longest run of 20 ms windows 40 dB or more under the clip's loudest window."""
    window = round(clip.sample_rate * 0.02)
    frames = len(clip.samples) // window
    rms = np.sqrt(np.mean(clip.samples[: frames * window].reshape(frames, window) ** 2, axis=1))
    quiet = rms < rms.max() * 0.01
    longest = run = 0
    for is_quiet in quiet:
        run = run + 1 if is_quiet else 0
        longest = max(longest, run)
    return longest * window / clip.sample_rate


def test_a_failed_batch_leaves_the_engine_usable() -> None:
    engine = EspeakEngine()
    with pytest.raises(OptionError):
        engine.synthesize(["One.", "Two.", "Three."], Voice("xx-nonsense", 140, 40))
    (clip,) = engine.synthesize([TEXT], engine.default_voice)
    assert_speech(clip, TEXT, engine.default_voice.rate_wpm)

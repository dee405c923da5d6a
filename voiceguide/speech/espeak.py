"""eSpeak NG through its C library, shipped by the ``espeakng-loader`` wheel: no system install.

The library runs in a helper process (:mod:`.espeak_zygote`) that forks a fresh child for every clip,
so each clip is a pure function of its text and voice (see that module for why), two clips are made
at once on two cores, and nothing eSpeak does can take this process down with it.
"""

from __future__ import annotations

import atexit
import os
import sys
import tempfile
import threading
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

import numpy as np

from voiceguide.errors import EngineError, UnknownVoiceError
from voiceguide.speech.base import Clip, Voice, VoiceInfo
from voiceguide.speech.worker import Worker

START_TIMEOUT_S = 30.0
ZYGOTE_SCRIPT = Path(__file__).with_name("espeak_zygote.py")
CLIP_METHOD = 1  # bump when the zygote changes how a clip is made (seeds, parameters)
STATUS_OK, STATUS_NO_VOICE = 0, 2


def _timeout_s(text: str) -> float:
    return 20.0 + 0.05 * len(text)


class _Zygote:
    """The helper process; one per voiceguide process, started on first use, stopped at exit."""

    _instance: _Zygote | None = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        try:
            import espeakng_loader  # noqa: F401 - only to give a clear message when it is missing
        except ImportError:
            raise EngineError(
                "the eSpeak NG engine needs the 'espeakng-loader' package: pip install espeakng-loader"
            ) from None
        script = ZYGOTE_SCRIPT
        jobs = str(max(1, min(4, os.cpu_count() or 1)))
        self.worker = Worker([sys.executable, str(script), jobs], "eSpeak NG")
        self.info = self.worker.receive(START_TIMEOUT_S, "starting")
        if not self.info.get("ok"):
            self.worker.close()
            raise EngineError(f"eSpeak NG could not start: {self.info.get('error')}")
        self.next_id = 0

    @classmethod
    def restart(cls) -> None:
        with cls._lock:
            if cls._instance is not None:
                cls._instance.worker.close(kill=True)
                cls._instance = None

    @classmethod
    def get(cls) -> _Zygote:
        with cls._lock:
            if cls._instance is None or not cls._instance.worker.alive:
                cls._instance = cls()
                atexit.register(cls._instance.worker.close)
            return cls._instance

    def speak(self, texts: Sequence[str], voice: Voice) -> list[np.ndarray]:
        with tempfile.TemporaryDirectory(prefix="voiceguide-espeak-") as folder:
            paths = [Path(folder) / f"{index}.raw" for index in range(len(texts))]
            ids = [str(self.next_id + index) for index in range(len(texts))]
            self.next_id += len(texts)
            self.worker.send(*(
                {"id": request_id, "text": text, "voice": voice.name, "rate_wpm": voice.rate_wpm,
                 "pitch": voice.pitch, "path": str(path)}
                for request_id, text, path in zip(ids, texts, paths, strict=True)
            ))  # fmt: skip
            index_of = {request_id: index for index, request_id in enumerate(ids)}
            failures: dict[int, int] = {}
            outstanding = dict(index_of)
            while (
                outstanding
            ):  # read every answer, even after a failure, so none is left for the next call
                waiting = [texts[index] for index in sorted(outstanding.values())]
                try:
                    answer = self.worker.receive(
                        max(_timeout_s(text) for text in waiting), "speaking"
                    )
                except EngineError:
                    raise EngineError(
                        f"eSpeak NG stopped answering while speaking: '{waiting[0][:60]}'"
                    ) from None
                outstanding.pop(answer["id"], None)
                if answer["status"] != STATUS_OK:
                    failures[index_of[answer["id"]]] = answer["status"]
            if failures:
                index, status = min(failures.items())
                if status == STATUS_NO_VOICE:
                    raise UnknownVoiceError(
                        f"eSpeak NG has no voice '{voice.name}'; 'voiceguide voices' lists them"
                    )
                raise EngineError(f"eSpeak NG failed while speaking: {texts[index][:60]}")
            return [np.fromfile(path, dtype="<i2") for path in paths]


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

    @property
    def _zygote(self) -> _Zygote:
        return _Zygote.get()  # started on first use: a warm cache needs no eSpeak NG at all

    def identity(self) -> str:
        # The wheel pins the library and its data; the method number marks how clips are made.
        return f"espeak-ng from espeakng-loader {self._loader_version}, method {CLIP_METHOD}"

    def voice_for_language(self, language: str) -> str:
        return self.default_voice.name if language in ("en", "en-us") else f"{language}+f3"

    def synthesize(self, texts: Sequence[str], voice: Voice) -> list[Clip]:
        """Speak ``texts``; a helper that hangs or dies is stopped and started again once."""
        try:
            zygote = self._zygote
            batch = zygote.speak(texts, voice)
        except EngineError:
            _Zygote.restart()
            zygote = self._zygote
            batch = zygote.speak(texts, voice)  # a second failure is reported as it is
        rate = int(zygote.info["sample_rate"])
        return [Clip((samples / 32768.0).astype(np.float32), rate) for samples in batch]

    def voices(self) -> list[VoiceInfo]:
        found = [
            VoiceInfo(self.name, language, language, title)
            for language, title in self._zygote.info["voices"]
        ]
        variants = ", ".join(self._zygote.info["variants"])
        found.append(
            VoiceInfo(self.name, "LANGUAGE+VARIANT", "", f"any voice with a variant: {variants}")
        )
        return found

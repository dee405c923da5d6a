"""pyttsx3: the system voices (SAPI5 on Windows, NSSS on macOS, eSpeak on Linux), in a worker process.

The worker (:mod:`.pyttsx3_worker`) works around pyttsx3's file-output bugs; this side starts it, sends
one clip at a time, and stops it if it does not answer in time, so a hung driver cannot hang voiceguide.
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import soundfile

from voiceguide.errors import EngineError
from voiceguide.speech import protocol
from voiceguide.speech.base import Clip, Voice, VoiceInfo
from voiceguide.speech.worker import Worker

START_TIMEOUT_S = 30.0


def _timeout_s(text: str) -> float:
    return 20.0 + 0.1 * len(text)


class Pyttsx3Engine:
    name = "pyttsx3"
    default_voice = Voice(name="default", rate_wpm=140, pitch=40)

    def __init__(self) -> None:
        if importlib.util.find_spec("pyttsx3") is None:
            raise EngineError("the pyttsx3 engine needs the 'pyttsx3' package: pip install pyttsx3")
        self._info: dict[str, Any] | None = None

    def _about(self) -> dict[str, Any]:
        if self._info is None:
            worker = _start()
            try:
                self._info = _ask(worker, {"op": "info"}, START_TIMEOUT_S, "starting")
            finally:
                worker.close()
        return self._info

    def identity(self, voice: Voice) -> str:
        about = self._about()
        return f"pyttsx3 {about['version']} {about['driver']}"

    def voice_for_language(self, language: str) -> str:
        return "default"

    def voices(self) -> list[VoiceInfo]:
        return [
            VoiceInfo(self.name, voice["id"], ",".join(voice["languages"]), voice["name"])
            for voice in self._about()["voices"]
        ]

    def synthesize(self, texts: Sequence[str], voice: Voice) -> list[Clip]:
        clips: list[Clip] = []
        worker = _start()
        try:
            with tempfile.TemporaryDirectory(prefix="voiceguide-pyttsx3-") as folder:
                settings = {"name": voice.name, "rate_wpm": voice.rate_wpm, "pitch": voice.pitch}
                _ask(worker, {"op": "voice", **settings}, START_TIMEOUT_S, "setting the voice")
                for index, text in enumerate(texts):
                    path = Path(folder) / f"{index}.wav"
                    request = {"op": "speak", "text": plain_text(text), "path": str(path)}
                    _ask(worker, request, _timeout_s(text), f"speaking '{text[:60]}'")
                    samples, rate = soundfile.read(path, dtype="float32", always_2d=True)
                    clips.append(
                        Clip(
                            np.ascontiguousarray(samples.mean(axis=1), dtype=np.float32), int(rate)
                        )
                    )
        finally:
            worker.close()
        return clips


_MARKUP = str.maketrans({"<": " ", ">": " ", "&": " and "})


def plain_text(text: str) -> str:
    """Text that no driver can take for markup: SAPI5 and NSSS read XML-like tags and embedded
    commands in some configurations, so angle brackets and ampersands never reach them."""
    return " ".join(text.translate(_MARKUP).split())


def _start() -> Worker:
    return Worker([sys.executable, "-m", "voiceguide.speech.pyttsx3_worker"], "pyttsx3")


def _ask(worker: Worker, request: dict[str, Any], timeout_s: float, doing: str) -> dict[str, Any]:
    reply = worker.ask(request, timeout_s, doing)
    protocol.check_reply(reply, "pyttsx3", doing)  # a missing voice in the worker's words
    return reply

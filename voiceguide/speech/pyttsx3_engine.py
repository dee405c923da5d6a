"""pyttsx3: the system voices (SAPI5 on Windows, NSSS on macOS, eSpeak on Linux), in a worker process.

The worker (:mod:`.pyttsx3_worker`) works around pyttsx3's file-output bugs; this side starts it, sends
one clip at a time, and stops it if it does not answer in time, so a hung driver cannot hang voiceguide.
"""

from __future__ import annotations

import importlib.util
import json
import selectors
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import soundfile

from voiceguide.errors import EngineError, OptionError
from voiceguide.speech.base import Clip, Voice, VoiceInfo

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
            with _Worker() as worker:
                self._info = worker.ask({"op": "info"}, START_TIMEOUT_S, "starting pyttsx3")
        return self._info

    def identity(self) -> str:
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
        with tempfile.TemporaryDirectory(prefix="voiceguide-pyttsx3-") as folder, _Worker() as worker:
            request = {"op": "voice", "name": voice.name, "rate_wpm": voice.rate_wpm, "pitch": voice.pitch}
            try:
                worker.ask(request, START_TIMEOUT_S, "setting the voice")
            except EngineError as error:
                if "has no voice" in str(error):
                    raise OptionError(str(error).split(": ", 1)[-1]) from None
                raise
            for index, text in enumerate(texts):
                path = Path(folder) / f"{index}.wav"
                worker.ask({"op": "speak", "text": text, "path": str(path)}, _timeout_s(text), f"speaking '{text[:60]}'")
                samples, rate = soundfile.read(path, dtype="float32", always_2d=True)
                clips.append(Clip(np.ascontiguousarray(samples.mean(axis=1), dtype=np.float32), int(rate)))
        return clips


class _Worker:
    """One worker process, stopped (killed if need be) on exit."""

    def __enter__(self) -> _Worker:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "voiceguide.speech.pyttsx3_worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        self.selector = selectors.DefaultSelector()
        assert self.process.stdout is not None
        self.selector.register(self.process.stdout, selectors.EVENT_READ)
        return self

    def ask(self, request: dict[str, Any], timeout_s: float, doing: str) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            raise EngineError(f"pyttsx3 stopped while {doing}") from None
        deadline = time.monotonic() + timeout_s
        while not self.selector.select(max(0.0, deadline - time.monotonic())):
            if time.monotonic() >= deadline:
                self.process.kill()
                raise EngineError(f"pyttsx3 did not answer within {timeout_s:.0f} s while {doing}")
        line = self.process.stdout.readline()
        if not line:
            raise EngineError(f"pyttsx3 stopped (exit code {self.process.wait()}) while {doing}")
        answer: dict[str, Any] = json.loads(line)
        if not answer.get("ok"):
            raise EngineError(f"pyttsx3 failed while {doing}: {answer.get('error')}")
        return answer

    def __exit__(self, *exc: object) -> None:
        self.selector.close()
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()

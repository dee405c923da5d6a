"""The pyttsx3 worker process: speaks one job at a time into a WAV file and answers with one JSON line.

Run by :mod:`voiceguide.speech.pyttsx3_engine`; it lives in its own process because pyttsx3 can hang,
print to stdout, and (with eSpeak) keeps global state. It speaks the :mod:`.protocol` (requests on
stdin, replies on the original stdout), one request at a time, without a hello: ``{"id", "op":
"info"}`` (the reply offers ``version``, ``driver``, ``voices``), ``{"id", "op": "voice", "name",
"rate_wpm", "pitch"}``, ``{"id", "op": "speak", "text", "path"}``.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
import time
import wave
from importlib import metadata
from pathlib import Path
from typing import Any, TextIO

from voiceguide.speech import protocol

FINISH_TIMEOUT_S = 60.0
ATTEMPTS = 3


def _use_bundled_espeak() -> None:
    """On Linux, point pyttsx3's eSpeak driver at the library and data from the espeakng-loader wheel."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import espeakng_loader
    except ImportError:
        return  # a system libespeak-ng may still be there
    ctypes.CDLL(espeakng_loader.get_library_path())  # found by its soname when pyttsx3 loads it
    os.environ.setdefault("ESPEAK_DATA_PATH", espeakng_loader.get_data_path())


class _Speaker:
    def __init__(self) -> None:
        import pyttsx3

        self.engine = pyttsx3.init()
        self.finished = threading.Event()
        self.engine.connect("finished-utterance", self._on_finished)
        self.driver = type(self.engine.proxy._driver).__module__.rsplit(".", 1)[-1]
        self.voice_ids = {voice.id: voice for voice in self.engine.getProperty("voices")}

    def _on_finished(self, name: object = None, completed: bool = True) -> None:
        self.finished.set()

    def info(self) -> dict[str, Any]:
        voices = [
            {
                "id": voice.id,
                "name": voice.name,
                "languages": [str(lang) for lang in voice.languages or []],
            }
            for voice in self.voice_ids.values()
        ]
        return {"version": metadata.version("pyttsx3"), "driver": self.driver, "voices": voices}

    def set_voice(self, name: str | None, rate_wpm: int, pitch: int | None) -> None:
        if name is not None and name != "default":
            match = next((v.id for v in self.voice_ids.values() if name in (v.id, v.name)), None)
            if match is None:
                raise protocol.NoSuchVoiceError(
                    f"pyttsx3 has no voice '{name}'; 'voiceguide voices --engine pyttsx3' lists them"
                )
            self.engine.setProperty("voice", match)
        self.engine.setProperty("rate", rate_wpm)
        if pitch is not None and self.driver == "espeak":
            self.engine.setProperty("pitch", pitch)
        if self.driver == "espeak":
            # pyttsx3 queues these until runAndWait, and eSpeak NG's own thread applies them when
            # it gets to them: on a busy machine a clip was now and then spoken at the driver's
            # initial 200 wpm. Run the queue now and wait until eSpeak NG has applied everything.
            self.engine.proxy.setBusy(False)
            from pyttsx3.drivers import _espeak

            _espeak.Synchronize()

    def speak(self, text: str, path: str) -> None:
        for _attempt in range(ATTEMPTS):
            # One save_to_file + one runAndWait per clip: several queued saves write only the last file.
            self.finished.clear()
            self.engine.save_to_file(text, path)
            self.engine.runAndWait()
            # runAndWait can return before the driver has written the file: wait for its own signal.
            if not self.finished.wait(FINISH_TIMEOUT_S):
                raise TimeoutError("pyttsx3 never reported the end of the utterance")
            if _has_audio(path):
                return
            # The eSpeak driver now and then writes a header with no samples (a race between its
            # synthesis thread and its loop): speak the line again.
        raise RuntimeError(f"pyttsx3 wrote no audio, {ATTEMPTS} times")


def _has_audio(path: str, timeout_s: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if not path.endswith(".wav"):
                return Path(path).stat().st_size > 44
            with wave.open(path, "rb") as check:
                if check.getnframes() > 0:
                    return True
        except (OSError, EOFError, wave.Error):
            pass
        time.sleep(0.01)
    return False


def serve(requests: TextIO, answers: TextIO) -> None:
    speaker: _Speaker | None = None
    voice: tuple[str | None, int, int | None] = (None, 175, None)

    def handle(request: dict[str, Any]) -> dict[str, Any]:
        nonlocal speaker, voice
        if request["op"] == "info":
            speaker = speaker or _Speaker()
            return speaker.info()
        if request["op"] == "voice":
            voice = (request["name"], request["rate_wpm"], request["pitch"])
            return {}
        if request["op"] == "speak":
            _speak_fresh(voice, request["text"], request["path"])
            return {}
        raise ValueError(f"unknown request {request['op']!r}")

    protocol.answer(requests, answers, handle)


def _speak_fresh(voice: tuple[str | None, int, int | None], text: str, path: str) -> None:
    """Speak one clip from a fresh engine.

    On Linux pyttsx3 drives eSpeak NG, which carries synthesis state from one utterance to the next,
    so a clip would depend on the clips spoken before it. A child forked from this process (which
    has imported pyttsx3 but never spoken) starts from the same state every time. Elsewhere (SAPI5,
    NSSS) the engine is created in this process, as those drivers require.
    """
    if not (sys.platform.startswith("linux") and hasattr(os, "fork")):
        speaker = _Speaker()
        speaker.set_voice(*voice)
        speaker.speak(text, path)
        return
    error_path = Path(path + ".error")
    pid = os.fork()
    if pid == 0:
        code = protocol.OK
        try:
            speaker = _Speaker()
            speaker.set_voice(*voice)
            speaker.speak(text, path)
        except BaseException as error:
            error_path.write_text(protocol.failure("", error)["error"], encoding="utf-8")
            code = protocol.status_of(error)
        os._exit(code)  # leave without running the parent's cleanup (or pyttsx3's threads)
    _, wait_status = os.waitpid(pid, 0)
    status = protocol.exit_status(wait_status)
    if status != protocol.OK:
        message = (
            error_path.read_text(encoding="utf-8")
            if error_path.exists()
            else "the speaking process died"
        )
        raise (
            protocol.NoSuchVoiceError(message)
            if status == protocol.NO_VOICE
            else RuntimeError(message)
        )


def main() -> None:
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    # pyttsx3 and its drivers print to stdout ("Audio saved to ..."): keep that off the channel
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    _use_bundled_espeak()
    import pyttsx3  # noqa: F401 - imported once here, so each forked speaker starts quickly

    serve(sys.stdin, answers)


if __name__ == "__main__":
    main()

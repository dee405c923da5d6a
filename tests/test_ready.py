from __future__ import annotations

import importlib.metadata
import importlib.util
import subprocess
import sys

import numpy as np
import pytest

from voiceguide.errors import EngineError
from voiceguide.speech.base import Clip
from voiceguide.speech.ready import EDGE_FADE_S, PAD_AFTER_S, PAD_BEFORE_S, ready_clip


def _tone(seconds: float, rate: int = 22050, level: float = 0.5) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return (level * np.sin(2 * np.pi * 300 * t)).astype(np.float32)


def test_trims_silence_removes_dc_and_resamples() -> None:
    rate = 22050
    body = _tone(1.0, rate)
    samples = np.concatenate([np.zeros(rate // 2), body, np.zeros(rate)]).astype(np.float32) + 0.1
    prepared = ready_clip(Clip(samples.astype(np.float32), rate), sample_rate=44100)
    expected_s = 1.0 + PAD_BEFORE_S + PAD_AFTER_S
    assert len(prepared) / 44100 == pytest.approx(expected_s, abs=0.005)
    assert abs(float(np.mean(prepared))) < 0.01  # the 0.1 offset is gone
    assert prepared.dtype == np.float32


def test_edges_fade_from_and_to_silence() -> None:
    prepared = ready_clip(Clip(_tone(0.5), 22050), sample_rate=44100)
    fade = round(EDGE_FADE_S * 44100)
    assert abs(float(prepared[0])) < 0.01 and abs(float(prepared[-1])) < 0.01
    assert float(np.max(np.abs(prepared[fade : fade + 200]))) > 0.3


def test_silent_clip_becomes_empty() -> None:
    assert len(ready_clip(Clip(np.zeros(1000, np.float32), 22050), sample_rate=44100)) == 0


def test_resampling_keeps_the_pitch() -> None:
    prepared = ready_clip(Clip(_tone(1.0), 22050), sample_rate=44100)
    spectrum = np.abs(np.fft.rfft(prepared))
    peak_hz = np.argmax(spectrum) * 44100 / len(prepared)
    assert peak_hz == pytest.approx(300, abs=2)


def test_missing_engine_packages_say_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from voiceguide.speech.espeak import EspeakEngine
    from voiceguide.speech.pyttsx3_engine import Pyttsx3Engine

    def no_package(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr("voiceguide.speech.espeak.metadata.version", no_package)
    with pytest.raises(
        EngineError, match=r"needs the 'espeakng-loader' package: pip install espeakng-loader"
    ):
        EspeakEngine()
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(EngineError, match=r"needs the 'pyttsx3' package: pip install pyttsx3"):
        Pyttsx3Engine()


def test_timeline_and_routine_import_no_audio_library() -> None:
    code = (
        "import sys, voiceguide.timeline, voiceguide.routine; "
        "print(sorted(m for m in ('numpy', 'soundfile', 'soxr', 'click') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"

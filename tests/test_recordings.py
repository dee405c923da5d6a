"""A caregiver's own recorded voice replaces the synthesized one for the lines it covers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.conftest import DATA, run_cli

pytestmark = pytest.mark.real

RATE = 44100


def _recording(path: Path, seconds: float, hz: float) -> None:
    t = np.arange(round(seconds * 48000)) / 48000
    soundfile.write(path, 0.3 * np.sin(2 * np.pi * hz * t) * np.hanning(len(t)) ** 0.1, 48000)


def test_recorded_lines_replace_speech_in_time_and_sound(tmp_path: Path) -> None:
    folder = tmp_path / "my-voice"
    folder.mkdir()
    _recording(folder / "start.wav", 2.0, 330.0)  # the first step's opening words
    _recording(folder / "circles-prompt1.flac", 1.0, 550.0)  # the second step's prompt, both hands
    shown = run_cli(
        "show", str(DATA / "good" / "minimal.yaml"), "--recordings", str(folder), "--json"
    )
    assert shown.exit_code == 0, shown
    events = json.loads(shown.stdout)["events"]
    first = events[0]
    assert (
        first["text"] == "Rest your hands. Breathe out."
    )  # one recorded line instead of two spoken
    assert abs(first["duration_s"] - 2.0) < 0.1
    prompts = [event for event in events if event["kind"] == "prompt"]
    assert all(abs(event["duration_s"] - 1.0) < 0.1 for event in prompts)
    out = tmp_path / "mine.wav"
    result = run_cli(
        "export", str(DATA / "good" / "minimal.yaml"), "--recordings", str(folder), "--soundscape", "none",
        "--chime", "none", "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result
    audio, rate = soundfile.read(out, dtype="float32")
    start = round((first["start_s"] + 0.5) * rate)
    window = audio[start : start + rate // 2, 0]
    peak_hz = np.argmax(np.abs(np.fft.rfft(window))) * rate / len(window)
    assert abs(peak_hz - 330) < 5  # the recording plays, not the speech engine


def test_missing_recordings_folder_is_bad_input(tmp_path: Path) -> None:
    result = run_cli(
        "show", str(DATA / "good" / "minimal.yaml"), "--recordings", str(tmp_path / "nope")
    )
    assert result.exit_code == 2, result
    assert "expected a folder of recorded lines" in result.stderr


def test_a_recording_for_one_hand_only(tmp_path: Path) -> None:
    """The same words recorded for one round and spoken for the other live side by side."""
    folder = tmp_path / "my-voice"
    folder.mkdir()
    _recording(folder / "circles-right.wav", 2.0, 330.0)
    result = run_cli(
        "show", str(DATA / "good" / "minimal.yaml"), "--recordings", str(folder), "--json"
    )
    assert result.exit_code == 0, result
    texts = [event["text"] for event in json.loads(result.stdout)["events"]]
    assert "Circle your right palm with your left thumb." in texts
    assert "Circle your left palm with your right thumb." in texts


def test_the_same_words_recorded_in_one_step_and_spoken_in_another(tmp_path: Path) -> None:
    routine = tmp_path / "twice.yaml"
    routine.write_text(
        "title: T\ndescription: D\naudience: self\nlanguage: en\nsteps:\n"
        "  - {id: one, title: One, duration: 10s, say: Rest your hands.}\n"
        "  - {id: two, title: Two, duration: 10s, say: Rest your hands.}\n"
    )
    folder = tmp_path / "rec"
    folder.mkdir()
    _recording(folder / "two.wav", 1.5, 330.0)
    out = tmp_path / "twice.wav"
    result = run_cli("export", str(routine), "--recordings", str(folder), "-o", str(out))
    assert result.exit_code == 0, result

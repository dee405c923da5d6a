"""Issue 25: a line with written pauses, read as written into the microphone (eSpeak NG's speech
through ALSA's capture file), is kept whole, and the export says every sentence of it; a take far
too short for its words is refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.speechcheck import best_match
from tests.test_record_real import RATE, _microphone, _record

pytestmark = pytest.mark.real

SENTENCES = (
    "Rest your hands, and breathe out slowly.",
    "Let your shoulders drop.",
    "Now open your eyes, and look around the room.",
)
PAUSES_S = (2.0, 4.0)
ROUTINE = f"""title: Pauses
description: One line with two written pauses.
audience: self
language: en
steps:
  - id: start
    title: Start
    duration: 40s
    say: {SENTENCES[0]} [pause 2s] {SENTENCES[1]} [pause 4s] {SENTENCES[2]}
"""


@pytest.fixture(scope="module")
def sentences() -> list[np.ndarray]:
    """Each sentence said by the project's eSpeak NG voice, at 48 kHz, peak 0.5."""
    import soxr

    from voiceguide.speech import VoiceRequest, get_engine, resolve_voice

    engine = get_engine("espeak")
    voice = resolve_voice(engine, VoiceRequest(rate_wpm=160), "en")
    said = []
    for clip in engine.synthesize(list(SENTENCES), voice):
        samples = soxr.resample(clip.samples, clip.sample_rate, RATE).astype(np.float64)
        said.append(samples * 0.5 / np.max(np.abs(samples)))
    return said


def _read_aloud(parts: list[np.ndarray], pauses_s: tuple[float, ...]) -> np.ndarray:
    """What the microphone hears: the parts with the pauses between them, in a quiet room
    (pink noise, -60 dBFS), 16-bit."""
    from tests.rooms import noise

    gaps = [np.zeros(round(seconds * RATE)) for seconds in pauses_s]
    spoken = [parts[0]]
    for gap, part in zip(gaps, parts[1:], strict=False):
        spoken += [gap, part]
    heard = np.concatenate([np.zeros(RATE), *spoken, np.zeros(7 * RATE)])
    heard += noise("pink", len(heard), -60.0, seed=4)
    pcm: np.ndarray = np.rint(np.clip(heard, -1, 1) * 32767).astype("<i2")
    return pcm


def test_a_line_read_with_its_two_pauses_keeps_all_three_sentences(
    tmp_path: Path, sentences: list[np.ndarray]
) -> None:
    routine = tmp_path / "pauses.yaml"
    routine.write_text(ROUTINE)
    _read_aloud(sentences, PAUSES_S).tofile(tmp_path / "speech.raw")
    env = _microphone(tmp_path, tmp_path / "speech.raw")
    folder = tmp_path / "voice"
    done = _record(env, str(routine), "--into", str(folder))
    assert done.returncode == 0, done.stderr
    assert "1 of 1 lines recorded" in done.stdout, done.stdout
    take, _ = soundfile.read(folder / "start.flac", dtype="float64")
    spoken_s = (sum(len(part) for part in sentences) / RATE) + sum(PAUSES_S)
    assert spoken_s - 0.2 < len(take) / RATE < spoken_s + 0.3, len(take) / RATE

    out = tmp_path / "pauses.wav"
    export = subprocess.run(
        [sys.executable, "-m", "voiceguide", "-v", "export", str(routine), "--recordings",
         str(folder), "--engine", "espeak", "--soundscape", "none", "--chime", "none", "-o", str(out)],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert export.returncode == 0, export.stderr
    assert "recording: start <- start.flac" in export.stderr
    import soxr

    mixed, mix_rate = soundfile.read(out, dtype="float64")
    heard = mixed[:, 0]
    matches = [best_match(heard, soxr.resample(part, RATE, mix_rate)) for part in sentences]
    print("each sentence in the export: correlation", [round(match, 3) for match in matches])
    assert all(match > 0.9 for match in matches), matches


def test_a_take_that_stops_at_the_first_pause_is_refused(
    tmp_path: Path, sentences: list[np.ndarray]
) -> None:
    """The reader stops after the first sentence: the take cannot hold the line's 21 words."""
    routine = tmp_path / "pauses.yaml"
    routine.write_text(ROUTINE)
    _read_aloud(sentences[:1], ()).tofile(tmp_path / "speech.raw")
    env = _microphone(tmp_path, tmp_path / "speech.raw")
    folder = tmp_path / "voice"
    done = _record(env, str(routine), "--into", str(folder))
    assert done.returncode == 0, done.stderr
    assert "start: not kept: far too short for its 20 words (" in done.stdout, done.stdout
    assert "0 of 1 lines recorded" in done.stdout
    assert not (folder / "start.flac").exists()

"""End to end through the CLI with the real engines (Piper, eSpeak NG), files read back by libsndfile."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.conftest import DATA, FAKE, PIPER_BEDTIME, run_cli
from tests.proctree import kill_tree, patience_s, spawn

pytestmark = [pytest.mark.real, pytest.mark.xdist_group(PIPER_BEDTIME)]


def _rms_db(samples: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(samples.astype(np.float64) ** 2)) + 1e-12))


@pytest.fixture(scope="module", params=["piper", "espeak"])
def engine(request: pytest.FixtureRequest) -> str:
    """Every check on the default routine holds with the neural voice and with eSpeak NG."""
    return str(request.param)


@pytest.fixture(scope="module")
def bedtime(
    tmp_path_factory: pytest.TempPathFactory, engine: str
) -> tuple[Path, dict[str, object]]:
    folder = tmp_path_factory.mktemp("bedtime")
    out = folder / "bedtime-hands.wav"
    result = run_cli("export", "bedtime-hands", "--engine", engine, "-o", str(out))
    assert result.exit_code == 0, result
    assert result.stdout.startswith(f"wrote {out} (15:")
    assert f"via {engine})" in result.stdout
    shown = run_cli("show", "bedtime-hands", "--engine", engine, "--json")
    assert shown.exit_code == 0, shown
    return out, json.loads(shown.stdout)


def test_default_routine_is_fifteen_minutes_of_stereo_44k(
    bedtime: tuple[Path, dict[str, object]],
) -> None:
    path, timeline = bedtime
    info = soundfile.info(path)
    assert (info.format, info.subtype, info.samplerate, info.channels) == (
        "WAV",
        "PCM_16",
        44100,
        2,
    )
    assert 14 * 60 <= info.duration <= 16 * 60
    assert info.frames == round(float(timeline["total_s"]) * 44100)  # type: ignore[arg-type]


def test_every_step_is_audible_at_its_start(bedtime: tuple[Path, dict[str, object]]) -> None:
    path, timeline = bedtime
    audio, rate = soundfile.read(path, dtype="float32")
    mono = audio.mean(axis=1)
    chapters = timeline["chapters"]
    assert isinstance(chapters, list) and len(chapters) >= 10
    for chapter in chapters:
        start = round(chapter["start_s"] * rate)
        voice_db = _rms_db(mono[start : start + rate // 2])
        assert voice_db > -35, chapter["title"]  # speech right away
        before_db = _rms_db(
            mono[start - rate // 4 : start - rate // 20]
        )  # the bed, a chime, or silence
        assert voice_db - before_db > 9, chapter["title"]  # clearly a new sound over bed or chime
    events = timeline["events"]
    assert isinstance(events, list)
    for event in events:
        start = round(event["start_s"] * rate)
        assert _rms_db(mono[start : start + rate // 4]) > -35, event["text"]


def test_no_clicks_where_words_start_or_stop(bedtime: tuple[Path, dict[str, object]]) -> None:
    """Around every clip's edges (2 ms either side) the waveform moves no faster than the sound
    just before it does: each clip fades in from and out to silence."""
    path, timeline = bedtime
    audio, rate = soundfile.read(path, dtype="float32")
    mono = audio.mean(axis=1)
    events = timeline["events"]
    assert isinstance(events, list)
    near, before = round(0.002 * rate), round(0.05 * rate)
    for event in events:
        for edge_s in (event["start_s"], event["start_s"] + event["duration_s"]):
            edge = round(edge_s * rate)
            at_edge = float(np.abs(np.diff(mono[edge - near : edge + near])).max())
            earlier = float(np.abs(np.diff(mono[edge - before : edge - near])).max())
            assert at_edge <= max(3 * earlier, 0.003), (event["text"], edge_s, at_edge, earlier)


def test_no_sample_reaches_full_scale(bedtime: tuple[Path, dict[str, object]]) -> None:
    path, _ = bedtime
    audio, _ = soundfile.read(path, dtype="int16")
    assert int(np.max(np.abs(audio.astype(np.int32)))) < 32767 * 10 ** (
        -0.9 / 20
    )  # under -0.9 dBFS


def test_same_options_give_identical_files_cold_or_warm(
    engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clip cache never changes a byte: a cold export (an empty cache), a warm one (the same
    cache, full) and one through the run's shared cache are the same file. A short routine: the
    property is the cache's, and a cold speak of the default routine costs a minute."""
    routine = str(DATA / "good" / "minimal.yaml")
    shared = tmp_path / "shared.wav"
    assert run_cli("export", routine, "--engine", engine, "-o", str(shared)).exit_code == 0
    monkeypatch.setenv("VOICEGUIDE_CACHE_DIR", str(tmp_path / "fresh-cache"))
    cold = tmp_path / "cold.wav"
    warm = tmp_path / "warm.wav"
    for out in (cold, warm):
        assert run_cli("export", routine, "--engine", engine, "-o", str(out)).exit_code == 0
    assert cold.read_bytes() == warm.read_bytes() == shared.read_bytes()


def test_flac_holds_the_same_samples(
    bedtime: tuple[Path, dict[str, object]], engine: str, tmp_path: Path
) -> None:
    path, _ = bedtime
    flac = tmp_path / "bedtime.flac"
    result = run_cli("export", "bedtime-hands", "--engine", engine, "-o", str(flac))
    assert result.exit_code == 0, result
    assert soundfile.info(flac).format == "FLAC"
    assert np.array_equal(
        soundfile.read(flac, dtype="int16")[0], soundfile.read(path, dtype="int16")[0]
    )


def test_minutes_sets_the_length(tmp_path: Path) -> None:
    out = tmp_path / "desk.wav"
    result = run_cli("export", "desk-break", "--minutes", "7", "-o", str(out))
    assert result.exit_code == 0, result
    assert soundfile.info(out).duration == pytest.approx(7 * 60, abs=0.01)
    too_short = run_cli("export", "desk-break", "--minutes", "1", "-o", str(tmp_path / "short.wav"))
    assert too_short.exit_code == 2, too_short
    assert too_short.said.count("\n") == 1, too_short
    assert re.search(
        r"too short for this routine: it needs at least \d:\d\d at 150 wpm; try --minutes \d",
        too_short.stderr,
    ), too_short
    assert not (tmp_path / "short.wav").exists()


def test_existing_file_needs_force(tmp_path: Path) -> None:
    out = tmp_path / "desk.wav"
    out.write_bytes(b"keep me")
    result = run_cli("export", "desk-break", "-o", str(out))
    assert result.exit_code == 2, result
    assert "already exists (use --force to replace it)" in result.stderr
    assert out.read_bytes() == b"keep me"
    assert run_cli("export", "desk-break", "-o", str(out), "--force").exit_code == 0
    assert soundfile.info(out).duration > 60


def test_pyttsx3_engine_exports_too(tmp_path: Path) -> None:
    out = tmp_path / "desk.flac"
    result = run_cli("export", "desk-break", "--engine", "pyttsx3", "-o", str(out))
    assert result.exit_code == 0, result
    assert "via pyttsx3" in result.stdout
    assert 4.5 * 60 <= soundfile.info(out).duration <= 5.5 * 60


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_export_leaves_the_folder_as_it_was(tmp_path: Path, signum: int) -> None:
    """A real process, interrupted while it writes: no partial file, no temporary file."""
    out = tmp_path / "out" / "session.wav"
    out.parent.mkdir()
    env = {**os.environ, "VOICEGUIDE_CACHE_DIR": str(tmp_path / "cache")}
    process = spawn(
        [sys.executable, "-m", "voiceguide", "export", "partner-hands", "--engine", FAKE,
         "--minutes", "120", "-o", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + patience_s(60)
        while (
            not any(out.parent.iterdir()) and time.monotonic() < deadline and process.poll() is None
        ):
            time.sleep(0.01)
        assert any(out.parent.iterdir()), "the export never started writing"
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=patience_s(30))
    finally:
        kill_tree(process.pid)
        process.communicate()  # reaps it and closes its pipes, even when the test failed
    assert process.returncode != 0
    assert "Traceback" not in stderr
    assert list(out.parent.iterdir()) == []

"""Every night, not just the first, through the real command on a pseudo-terminal and ALSA's file
plugin: progress that moves while the voice is made (a slowed fake engine, and eSpeak NG), play
going on where ``q`` stopped and starting at ``--from STEP`` (sample for sample the export from
there), no sound device said within a second, and a preparing line that fits 20 columns."""

from __future__ import annotations

import fcntl
import json
import os
import re
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.conftest import run_cli
from tests.proctree import patience_s
from tests.terminal import Terminal
from voiceguide.player.transport import FADE_S

pytestmark = pytest.mark.real
FAKE = ("--engine", "fake", "--minutes", "4")


def _alsa_env(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """An environment whose ALSA default device writes everything played to a file."""
    captured = tmp_path / "played.raw"
    (tmp_path / ".asoundrc").write_text(
        f'pcm.!default {{\n  type file\n  slave.pcm "null"\n  file "{captured}"\n  format "raw"\n}}\n'
    )
    return {**os.environ, "HOME": str(tmp_path)}, captured


def _spoken_counts(screen: str) -> list[int]:
    """The lines spoken so far, as the status line said it each time."""
    return [int(n) for n in re.findall(r"\(speaking (\d+)/\d+", screen)]


def test_progress_moves_line_by_line_while_a_cold_speak_runs(tmp_path: Path) -> None:
    env = {**os.environ, "VOICEGUIDE_CACHE_DIR": str(tmp_path), "VOICEGUIDE_FAKE_SLOW_S": "0.4"}
    with Terminal("play", "desk-break", *FAKE, "--backend", "null", env=env) as terminal:
        terminal.read_until("> Warm-up rub")  # playing at once: the opening, while it speaks
        terminal.read_until("/26, 0:", timeout_s=30)  # the time left, measured
        terminal.read_until("speaking 12/26", timeout_s=60)
        terminal.send("q")
        assert terminal.wait() == 0
    counts = _spoken_counts(terminal.screen)
    assert len(set(counts)) >= 4 and counts == sorted(counts), counts  # it moved, line by line


def test_progress_moves_with_a_real_engine_at_a_new_rate(tmp_path: Path) -> None:
    """The issue's own case, ``--minutes 25 --rate 110`` with nothing cached (eSpeak NG: quick)."""
    env = {**os.environ, "VOICEGUIDE_CACHE_DIR": str(tmp_path)}
    args = ("partner-hands", "--engine", "espeak", "--minutes", "25", "--rate", "110")
    started = time.monotonic()
    with Terminal("play", *args, "--backend", "null", env=env) as terminal:
        terminal.read_until("> ", timeout_s=30)
        first_status_s = time.monotonic() - started
        terminal.read_until(" left)", timeout_s=60)  # the time left, measured
        terminal.read_until("(speaking ", count=3, timeout_s=60)
        terminal.send("q")
        assert terminal.wait() == 0
    counts = _spoken_counts(terminal.screen)
    assert len(set(counts)) >= 2 and counts == sorted(counts), counts
    assert first_status_s < patience_s(5.0)  # (scripts/bench_play.py measures the first sound)


@pytest.fixture
def desk_export(tmp_path: Path) -> tuple[np.ndarray, int]:
    """desk-break, 4 minutes, exported (the cache is warm after it: the player plays it whole)."""
    exported = tmp_path / "desk.wav"
    result = run_cli("export", "desk-break", *FAKE, "-o", str(exported))
    assert result.exit_code == 0, result
    reference, rate = soundfile.read(exported, dtype="float32")
    return reference, rate


def _played_from(captured: Path, reference: np.ndarray, start: int, rate: int) -> None:
    """What was played is the export from ``start`` on (after the 30 ms fade-in), then silence."""
    played = np.fromfile(captured, dtype="<f4").reshape(-1, 2)
    fade = round(FADE_S * rate)
    rest = reference[start:]
    assert len(played) >= len(rest)
    assert float(np.max(np.abs(played[fade : len(rest)] - rest[fade:]))) <= 1.5 / 32768
    assert float(np.max(np.abs(played[:fade]))) <= float(np.max(np.abs(rest[:fade]))) + 1e-6
    assert float(np.max(np.abs(played[len(rest) :]), initial=0.0)) == 0.0


def test_resume_goes_on_where_q_stopped_exactly_as_the_export(
    tmp_path: Path, desk_export: tuple[np.ndarray, int]
) -> None:
    reference, rate = desk_export
    with Terminal("play", "desk-break", *FAKE, "--backend", "null") as terminal:
        terminal.read_until("> Warm-up rub")
        terminal.send("\x1b[C")  # from the opening to the first step ...
        terminal.send("\x1b[C")  # ... and on to the next
        terminal.read_until("> Palm circles (right hand)  0:01 in step")
        terminal.send("q")
        assert terminal.wait() == 0
    places = json.loads((Path(os.environ["VOICEGUIDE_STATE_DIR"]) / "places.json").read_text())
    place = places["desk-break"]
    assert place["step_id"] == "palm-circles" and place["title"] == "Palm circles (right hand)"
    env, captured = _alsa_env(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "voiceguide", "play", "desk-break", *FAKE, "--resume"],
        env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "going on in Palm circles (right hand), 0:0" in done.stderr
    _played_from(captured, reference, round(place["at_s"] * rate), rate)
    assert "desk-break" not in json.loads(
        (Path(os.environ["VOICEGUIDE_STATE_DIR"]) / "places.json").read_text()
    )  # played to its end: nothing to go on from


def test_from_a_step_number_starts_there_exactly_as_the_export(
    tmp_path: Path, desk_export: tuple[np.ndarray, int]
) -> None:
    from voiceguide import api

    reference, rate = desk_export
    timeline = api.timeline(api.load("desk-break"), api.SessionOptions(engine="fake", minutes=4))
    third = next(c for c in timeline.chapters if c.step_id == "finger-pulls")
    env, captured = _alsa_env(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "voiceguide", "play", "desk-break", *FAKE, "--from", "3"],
        env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    _played_from(captured, reference, round(third.start_s * rate), rate)


def test_no_sound_device_is_said_within_a_second(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "VOICEGUIDE_CACHE_DIR": str(tmp_path / "cold")}
    started = time.monotonic()  # nothing cached: preparing would take seconds, the device is first
    done = subprocess.run(
        [sys.executable, "-m", "voiceguide", "play", "partner-hands", "--minutes", "25"],
        env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    took_s = time.monotonic() - started
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
    assert "no sound device" in done.stderr
    assert "try: voiceguide export partner-hands -o partner-hands.mp3" in done.stderr
    assert took_s < patience_s(1.0), took_s
    assert not (tmp_path / "cold").exists()  # nothing was spoken


def test_the_preparing_line_fits_a_20_column_terminal(tmp_path: Path) -> None:
    kept = {name: value for name, value in os.environ.items() if name not in ("COLUMNS", "LINES")}
    env = {**kept, "VOICEGUIDE_CACHE_DIR": str(tmp_path), "VOICEGUIDE_FAKE_SLOW_S": "0.2"}
    with Terminal("play", "desk-break", *FAKE, "--backend", "null", env=env) as terminal:
        fcntl.ioctl(terminal.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 12, 20, 0, 0))
        terminal.read_until("preparing")
        terminal.read_until("> Warm-up")
        terminal.send("q")
        assert terminal.wait() == 0
    shown = [part for part in terminal.screen.split("\r\x1b[K") if "preparing" in part]
    assert shown and all(len(part) <= 19 for part in shown), shown  # never wrapped: cleared whole

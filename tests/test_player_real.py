"""The player for real: miniaudio into ALSA's file plugin (what was played is captured and compared
with the export), a real pseudo-terminal for the keys, and a machine with no sound device."""

from __future__ import annotations

import os
import subprocess
import sys
import termios
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.conftest import run_cli
from tests.terminal import Terminal

pytestmark = pytest.mark.real


def _alsa_home(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """An environment whose ALSA default device writes everything played to a file."""
    captured = tmp_path / "played.raw"
    (tmp_path / ".asoundrc").write_text(
        f'pcm.!default {{\n  type file\n  slave.pcm "null"\n  file "{captured}"\n  format "raw"\n}}\n'
    )
    return {**os.environ, "HOME": str(tmp_path)}, captured


def test_playback_through_alsa_matches_the_export(tmp_path: Path) -> None:
    env, captured = _alsa_home(tmp_path)
    exported = tmp_path / "desk.wav"  # first: the cache is warm, the whole session plays at once
    assert run_cli("export", "desk-break", "--minutes", "4", "-o", str(exported)).exit_code == 0
    done = subprocess.run(
        [sys.executable, "-m", "voiceguide", "-v", "play", "desk-break", "--minutes", "4"],
        env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (
        "backend: miniaudio (the default: streams, and installs from wheels); device: ALSA"
        in done.stderr
    )
    reference, _ = soundfile.read(exported, dtype="float32")
    played = np.fromfile(captured, dtype="<f4").reshape(-1, 2)
    assert len(played) >= len(reference)
    assert (
        float(np.max(np.abs(played[: len(reference)] - reference))) <= 1.5 / 32768
    )  # the WAV's rounding
    assert float(np.max(np.abs(played[len(reference) :]), initial=0.0)) == 0.0  # then silence


def _find(haystack: np.ndarray, needle: np.ndarray) -> int:
    """Where ``needle`` occurs in ``haystack`` (both mono), by cross-correlation."""
    size = 1 << int(np.ceil(np.log2(len(haystack) + len(needle))))
    scores = np.fft.irfft(np.fft.rfft(haystack, size) * np.conj(np.fft.rfft(needle, size)), size)
    return int(np.argmax(scores[: len(haystack) - len(needle)]))


SHORT_ROUTINE = """
title: Short
description: Two steps, the second spoken while the first plays.
audience: self
language: en
soundscape: {name: rain}
steps:
  - id: settle
    title: Settle
    duration: 20s
    say: >-
      Rest both hands in your lap and let your shoulders drop. Breathe in slowly through the nose,
      and out through the mouth, letting the day go.
    prompts:
      - at: 13s
        say: Notice the warmth in your palms.
  - id: rub
    title: Rub
    duration: 15s
    say: Now gently rub your palms together, slowly, back and forth.
"""


def test_a_cold_start_plays_early_then_exactly_the_export(tmp_path: Path) -> None:
    """With nothing cached, the opening plays at once while the lines are spoken; the player waits
    where each draft ends (this device takes audio faster than real time), then plays the whole
    session: from there on exactly the export. (The fake engine, slowed down as an engine is:
    ALSA is the real part here; the drafts and the landing are the same for every engine.)"""
    env, captured = _alsa_home(tmp_path)
    env.update(VOICEGUIDE_CACHE_DIR=str(tmp_path / "cold-cache"), VOICEGUIDE_FAKE_SLOW_S="0.05")
    routine = tmp_path / "short.yaml"  # short: the device records each wait at ~40x real time
    routine.write_text(SHORT_ROUTINE, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "voiceguide", "-v", "play", str(routine), "--engine", "fake"],
        env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (
        "early start: the rest is spoken while the first 3.00 s play" in done.stderr
    )  # the opening
    exported = tmp_path / "short.wav"
    result = run_cli("export", str(routine), "--engine", "fake", "-o", str(exported))
    assert result.exit_code == 0, result
    reference, rate = soundfile.read(exported, dtype="float32")
    played = np.fromfile(captured, dtype="<f4").reshape(-1, 2)
    # The opening: the soundscape fading in, at the early start's own level.
    early, same = played[: 2 * rate], reference[: 2 * rate]
    gain = float(np.sum(early * same) / np.sum(same * same))
    assert 10 ** (-6 / 20) < gain < 10 ** (6 / 20)
    # The second half, to its end, exactly the export, then silence.
    half = len(reference) // 2
    at = _find(played[:, 0], reference[half : half + 2 * rate, 0])
    tail = played[at : at + len(reference) - half]
    assert float(np.max(np.abs(tail - reference[half:]))) <= 1.5 / 32768
    assert float(np.max(np.abs(played[at + len(reference) - half :]), initial=0.0)) == 0.0


def test_no_sound_device_says_so_and_suggests_export(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path)}  # no .asoundrc, and this machine has no sound card
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "voiceguide", "play", "desk-break"],
        env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert time.monotonic() - start < 30
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1, done.stderr
    assert (
        "no sound device" in done.stderr
        and "voiceguide export desk-break -o desk-break.mp3" in done.stderr
    )


def test_keys_on_a_real_terminal_and_the_terminal_given_back() -> None:
    with Terminal("play", "desk-break", "--backend", "null") as terminal:
        terminal.read_until("> Warm-up rub")  # the status line
        terminal.send(" ")
        terminal.read_until("|| Warm-up rub")
        terminal.send(" ")
        terminal.send("\x1b[C")  # right arrow: from the opening silence to the first step ...
        terminal.send("\x1b[C")  # ... and on to the next
        terminal.read_until("> Palm circles (right hand)")
        terminal.send("+")  # already at the session's own level: says so
        terminal.read_until("(full volume)")
        terminal.send("q")
        assert terminal.wait() == 0
        assert "keys: space pause/go on" in terminal.screen  # the one-line hint
        assert "stopped at Palm circles (right hand), 0:" in terminal.screen  # the closing line
        after = termios.tcgetattr(terminal.fd)
        assert after[3] & termios.ECHO and after[3] & termios.ICANON  # echo and line mode are back
        assert after == terminal.before
        assert (
            terminal.screen.rstrip().endswith("\x1b[?25h") or "\x1b[?25h" in terminal.screen[-200:]
        )  # cursor shown


def test_ctrl_c_fades_out_restores_the_terminal_and_exits_130() -> None:
    with Terminal("play", "desk-break", "--backend", "null") as terminal:
        terminal.read_until("> Warm-up rub")
        terminal.send("\x03")
        assert terminal.wait() == 130  # as shells expect of Ctrl-C
        assert termios.tcgetattr(terminal.fd) == terminal.before
        assert "stopped at Warm-up rub, 0:0" in terminal.screen


def test_prompter_shows_the_line_to_read_in_bold() -> None:
    with Terminal("play", "desk-break", "--backend", "null", "--prompter") as terminal:
        terminal.read_until("\x1b[1mQuick note first")
        terminal.read_until("next in")
        terminal.send("q")
        assert terminal.wait() == 0
        assert "\x1b#" not in terminal.screen  # no DEC double-height: tmux would show lines twice

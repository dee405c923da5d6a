"""The player for people who cannot look, on a real pseudo-terminal and in tmux: the preparing
screen (q and Ctrl-C at once), the prompter in a 40x12 window with every line shown once, and a
hold with no terminal that waits its stated length."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.terminal import Terminal
from voiceguide import api
from voiceguide.player.display import Prompter
from voiceguide.player.status import Status
from voiceguide.player.transport import State

pytestmark = pytest.mark.real
needs_piper = pytest.mark.skipif(
    importlib.util.find_spec("piper") is None, reason="the neural extra is not installed"
)


@needs_piper
@pytest.mark.parametrize(("key", "code"), [("q", 0), ("\x03", 130)])
def test_preparing_says_so_and_stops_at_once(
    key: str, code: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOICEGUIDE_CACHE_DIR", str(tmp_path / "cold"))  # every line to speak
    terminal = Terminal(  # 5 minutes is too short even by estimates: every line is spoken first
        "play", "partner-hands", "--engine", "piper", "--prompter", "--backend", "null",
        "--minutes", "5",
    )  # fmt: skip
    try:
        terminal.read_until("preparing Partner hand massage", timeout_s=60)
        terminal.send("x")  # kept for the player, never echoed
        terminal.read_until(" lines  (q: stop)", timeout_s=120)  # speaking N of M lines
        terminal.send(key)
        started = time.monotonic()
        assert terminal.wait(timeout_s=30) == code
        assert time.monotonic() - started < 10  # at once (the machine may be busy)
    finally:
        terminal.close()
    assert "x" not in terminal.screen.split("preparing Partner hand massage")[1].replace(
        "\x1b[K", ""
    )
    if code == 0:
        assert "stopped before play began" in terminal.screen


def _tmux(socket: str, *args: str) -> str:
    done = subprocess.run(
        ["tmux", "-L", socket, "-f", "/dev/null", *args], capture_output=True, text=True, timeout=30
    )  # fmt: skip
    return done.stdout


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (setup.sh --test)")
def test_the_prompter_in_a_40x12_tmux_window_shows_each_line_once(tmp_path: Path) -> None:
    assert run_cli("show", "desk-break", "--engine", "espeak").exit_code == 0  # speak it first
    socket = f"voiceguide-test-{os.getpid()}"
    command = (
        f"env VOICEGUIDE_CACHE_DIR={os.environ['VOICEGUIDE_CACHE_DIR']} {sys.executable} -m "
        "voiceguide play desk-break --engine espeak --backend null --prompter"
    )
    _tmux(socket, "new-session", "-d", "-x", "40", "-y", "12", "-s", "p", command)
    try:
        deadline = time.monotonic() + 120
        screen = ""
        while "Quick note first" not in screen or "next in" not in screen:
            assert time.monotonic() < deadline, screen
            time.sleep(0.2)
            screen = _tmux(socket, "capture-pane", "-p", "-t", "p")
        rows = screen.rstrip("\n").split("\n")
        assert len(rows) <= 12 and all(len(row) <= 40 for row in rows), screen
        assert sum("Quick note first" in row for row in rows) == 1, screen
        filled = [row.strip() for row in rows if row.strip()]
        assert len(filled) == len(set(filled)), screen  # no line twice
        assert rows[0].startswith("Opening") or ":" in rows[0]
    finally:
        _tmux(socket, "kill-server")


def test_the_prompter_fits_40x12_for_every_line_of_partner_hands() -> None:
    session = api.prepare(api.load("partner-hands"), api.SessionOptions(engine="espeak"))
    prompter = Prompter(sys.stderr, session.timeline)
    for event in session.timeline.events:
        for state in (State.PLAYING, State.HOLDING):
            status = Status(
                state, event.start_s + 0.01, "A step title that is rather long", 0, 0, 0
            )
            rows = prompter.lines(status, 40, 12)
            assert len(rows) <= 11 and all(len(row) <= 39 for row, _ in rows)
            said = " ".join(row for row, bold in rows if bold)
            if event.kind != "breath":
                assert said.split()[:3] == event.text.split()[:3]  # the line to say, from its start


HOLD = """
title: Hold
description: A hold with no one to press a key.
audience: partner
language: en
steps:
  - id: wait
    title: Wait
    duration: 8s
    say: Rest.
    hold: 4s
"""


def test_a_hold_with_no_terminal_waits_its_stated_length(tmp_path: Path) -> None:
    routine = tmp_path / "hold.yaml"
    routine.write_text(HOLD)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "voiceguide", "play", str(routine), "--backend", "null", "--engine", "espeak"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().endswith("finished"), done.stderr
    assert time.monotonic() - started >= 4.0  # the null backend plays in real time: the hold's 4 s


def test_a_hold_with_no_terminal_and_no_microphone_waits_its_stated_length(tmp_path: Path) -> None:
    """--listen asked for, but no capture device opens: nothing can say "go on", so the hold
    lasts its stated length instead of forever, and the start line says so (no ALSA noise)."""
    routine = tmp_path / "hold.yaml"
    routine.write_text(HOLD)
    no_devices = tmp_path / "asound.conf"
    no_devices.write_text("")  # ALSA with no device at all, and no sound server to fall back on
    env = {
        **os.environ,
        "ALSA_CONFIG_PATH": str(no_devices),
        "PULSE_SERVER": str(tmp_path / "none"),
    }
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "voiceguide", "play", str(routine), "--backend", "null", "--engine",
         "espeak", "--listen"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines[0].startswith("voice commands off: no microphone could be opened"), lines
    assert lines[0].endswith("with no terminal either, a hold lasts its stated length"), lines
    assert lines[-1] == "finished" and not any("ALSA lib" in line for line in lines), lines
    assert time.monotonic() - started >= 4.0

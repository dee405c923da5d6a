"""Media buttons for real: a private session D-Bus (a dbus-daemon started here), the real player
running with the null backend, and a D-Bus client pressing PlayPause / Next / Stop and reading the
step from the player's MPRIS properties."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli
from voiceguide.player.mpris import BUS_NAME, PATH, PLAYER, playback_status
from voiceguide.player.status import Status
from voiceguide.player.transport import State

pytestmark = pytest.mark.real
jeepney = pytest.importorskip("jeepney")
from jeepney import DBusAddress, MessageType, Properties, new_method_call  # noqa: E402
from jeepney.io.blocking import open_dbus_connection  # noqa: E402

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={path}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""
WAIT_S = 180.0  # generous: a loaded 2-core machine speaks the routine first


@pytest.fixture
def session_bus(tmp_path: Path) -> Iterator[str]:
    """The address of a private session bus, stopped afterwards."""
    daemon = shutil.which("dbus-daemon")
    if daemon is None:
        pytest.skip("dbus-daemon is not installed (scripts/setup.sh --test installs it)")
    config = tmp_path / "bus.conf"
    config.write_text(BUS_CONFIG.format(path=tmp_path / "bus"))
    process = subprocess.Popen(
        [daemon, f"--config-file={config}", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.kill()
        process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _until(check: Callable[[], Any], what: str, player: subprocess.Popen[str]) -> Any:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        assert player.poll() is None, f"the player ended while waiting for {what}"
        time.sleep(0.05)
    raise AssertionError(f"waited {WAIT_S} s for {what}")


def _call(connection: Any, member: str) -> None:
    reply = connection.send_and_get_reply(new_method_call(_player(), member), timeout=10)
    assert reply.header.message_type is MessageType.method_return, reply.body


def _player() -> DBusAddress:
    return DBusAddress(PATH, BUS_NAME, PLAYER)


def _get(connection: Any, name: str) -> Any:
    reply = connection.send_and_get_reply(Properties(_player()).get(name), timeout=10)
    return reply.body[0][1]


def test_media_buttons_drive_the_real_player(session_bus: str, tmp_path: Path) -> None:
    shown = run_cli("show", "desk-break", "--engine", "espeak", "--json")  # (and speaks it)
    assert shown.exit_code == 0, shown
    chapters = json.loads(shown.stdout)["chapters"]
    env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": session_bus}
    stderr = tmp_path / "stderr.txt"
    with stderr.open("w") as errors:
        player = subprocess.Popen(
            [sys.executable, "-m", "voiceguide", "-v", "play", "desk-break", "--backend", "null",
             "--engine", "espeak", "--quiet"],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors, text=True,
        )  # fmt: skip
    connection = open_dbus_connection(bus=session_bus)
    try:
        bus = DBusAddress("/org/freedesktop/DBus", "org.freedesktop.DBus", "org.freedesktop.DBus")

        def registered() -> bool:
            call = new_method_call(bus, "NameHasOwner", "s", (BUS_NAME,))
            return bool(connection.send_and_get_reply(call, timeout=10).body[0])

        _until(registered, "the player's name on the bus", player)
        metadata = _get(connection, "Metadata")
        assert metadata["xesam:title"] == ("s", "Warm-up rub")
        assert metadata["xesam:album"] == ("s", "Desk break")
        assert _get(connection, "PlaybackStatus") == "Playing"
        first_step_us = chapters[0]["start_s"] * 1e6  # (before it, "next" goes to the first step)
        _until(lambda: _get(connection, "Position") > first_step_us, "the first step", player)
        _call(connection, "Next")
        _until(
            lambda: _get(connection, "Metadata")["xesam:title"] == ("s", chapters[1]["title"]),
            "the next step's title", player,
        )  # fmt: skip
        _call(connection, "PlayPause")
        _until(lambda: _get(connection, "PlaybackStatus") == "Paused", "paused", player)

        def still() -> int | None:  # (the pause's 30 ms fade moves on first)
            before = _get(connection, "Position")
            time.sleep(0.5)
            return before if _get(connection, "Position") == before else None

        paused_at = _until(still, "the position to stand still", player)
        time.sleep(1.0)
        assert _get(connection, "Position") == paused_at  # it really stands still
        _call(connection, "PlayPause")
        _until(lambda: _get(connection, "PlaybackStatus") == "Playing", "playing", player)
        _until(lambda: _get(connection, "Position") > paused_at, "moving again", player)
        _call(connection, "Stop")
        assert player.wait(timeout=60) == 0
    finally:
        connection.close()
        if player.poll() is None:
            player.kill()
            player.wait()
    assert f"media buttons: MPRIS as {BUS_NAME}" in stderr.read_text()


SHORT = """
title: Short
description: One short step.
audience: self
language: en
steps:
  - id: only
    title: Only
    duration: 3s
    say: Rest.
"""


def test_without_a_session_bus_play_goes_on_and_verbose_says_why(tmp_path: Path) -> None:
    routine = tmp_path / "short.yaml"
    routine.write_text(SHORT)
    env = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    done = subprocess.run(
        [sys.executable, "-m", "voiceguide", "-v", "play", str(routine), "--backend", "null",
         "--engine", "espeak"],
        env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "media buttons skipped: no session D-Bus" in done.stderr


def test_playback_status_names() -> None:
    def status(state: State, preparing: bool = False) -> Status:
        return Status(state, 1.0, "Step", 1.0, 9.0, 0.0, preparing)

    assert playback_status(status(State.PLAYING)) == "Playing"
    assert playback_status(status(State.PAUSED)) == "Paused"
    assert playback_status(status(State.HOLDING)) == "Paused"  # play goes on from a hold
    assert playback_status(status(State.HOLDING, preparing=True)) == "Playing"  # it goes on alone
    assert playback_status(status(State.FINISHED)) == "Stopped"

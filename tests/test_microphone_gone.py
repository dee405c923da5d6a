"""A microphone that ends, stalls or goes away (issue 22: 9, 10), through ALSA's file plugin as
tests/test_listen_real.py does: the capture ``infile`` is an empty file, a FIFO that is opened
and never written, or a FIFO whose writer closes mid-session. The session goes on without
listening, says so once, spends little CPU, always ends, and SIGTERM stops it within a second."""

from __future__ import annotations

import importlib.util
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.clocked import ClockedCard
from tests.proctree import kill_tree

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("miniaudio") is None
    or importlib.util.find_spec("pocketsphinx") is None,
    reason="needs miniaudio and pocketsphinx",
)

MIC_RATE = 16000
ROUTINE = """\
title: Short
steps:
  - id: one
    title: One
    duration: 2s
    say: Rest.
"""


def _asoundrc(home: Path, infile: Path) -> None:
    (home / ".asoundrc").write_text(
        "pcm.!default {\n  type asym\n"
        '  playback.pcm { type file; slave.pcm "null"; file "/dev/null"; format "raw" }\n'
        f'  capture.pcm {{ type file; slave.pcm "null"; file "/dev/null"; infile "{infile}";'
        ' format "raw" }\n}\n'
    )


class Stalled:
    """A FIFO opened for writing that never delivers (or, after ``close_after_s``, closes)."""

    def __init__(self, path: Path, close_after_s: float | None = None) -> None:
        os.mkfifo(path)
        self._path = path
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._hold, args=(path, close_after_s), daemon=True)
        self._thread.start()

    def _hold(self, path: Path, close_after_s: float | None) -> None:
        descriptor = os.open(path, os.O_WRONLY)  # returns once the microphone opened it
        try:
            if close_after_s is None:
                self._stop.wait()
                return
            started = time.monotonic()
            while time.monotonic() - started < close_after_s and not self._stop.is_set():
                os.write(descriptor, np.zeros(MIC_RATE // 10, "<i2").tobytes())  # 100 ms
                time.sleep(0.1)
        except OSError:
            pass
        finally:
            os.close(descriptor)

    def stop(self) -> None:
        self._stop.set()
        reader = os.open(self._path, os.O_RDONLY | os.O_NONBLOCK)  # frees a writer still waiting
        self._thread.join(timeout=5)
        os.close(reader)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))  # the capture process reads ~/.asoundrc
    return tmp_path


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@pytest.mark.parametrize("kind", ["empty", "closed mid-session"])
def test_a_microphone_that_ends_is_gone_said_once_and_stopped(home: Path, kind: str) -> None:
    from voiceguide.listen.microphone import Microphone

    infile = home / "mic.raw"
    holder = None
    if kind == "empty":
        infile.write_bytes(b"")
    else:
        holder = Stalled(infile, close_after_s=1.0)
    _asoundrc(home, infile)
    heard: list[int] = []
    told: list[str] = []
    before_s = time.process_time()
    microphone = Microphone(lambda pcm: heard.append(len(pcm)), told.append)
    try:
        deadline = time.monotonic() + 6
        while not told and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # it is said once, and nothing more arrives
        count = len(heard)
        time.sleep(0.5)
        assert len(heard) == count
    finally:
        microphone.close()
        if holder is not None:
            holder.stop()
    assert told == ["voice commands off: the microphone's input ended; the session goes on"]
    assert sum(heard) / 2 / MIC_RATE < 6  # not the flood of silence an ended file gives
    assert time.process_time() - before_s < 1.0


def test_a_stalled_microphone_is_closed_at_once(home: Path) -> None:
    from voiceguide.listen.microphone import Microphone

    holder = Stalled(home / "mic.fifo")
    _asoundrc(home, home / "mic.fifo")
    microphone = Microphone(lambda pcm: None)
    try:
        time.sleep(0.5)
        closing = threading.Thread(target=microphone.close, daemon=True)  # it hung for good once
        closing.start()
        closing.join(timeout=1.0)
        assert not closing.is_alive(), "closing a stalled microphone hangs"
    finally:
        holder.stop()


@pytest.fixture
def routine(tmp_path: Path) -> Path:
    path = tmp_path / "short.yaml"
    path.write_text(ROUTINE)
    return path


def _player(routine: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "voiceguide", "play", str(routine), "--listen", "--engine", "fake"],
        env={**env, "VOICEGUIDE_FAKE_ENGINE": "1"}, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


@pytest.fixture
def card(tmp_path: Path) -> Iterator[ClockedCard]:
    """A speaker that plays in real time; the microphone is replaced by each test."""
    home = tmp_path / "home"
    home.mkdir()
    clocked = ClockedCard(home, lambda first, count, _: np.zeros(count, np.int16), rate=44100)
    yield clocked
    clocked.close()


def _use_microphone(card: ClockedCard, infile: Path) -> None:
    rc = Path(card.env["HOME"]) / ".asoundrc"
    rc.write_text(rc.read_text().replace(str(rc.parent / "microphone.fifo"), str(infile)))


@pytest.mark.real
@pytest.mark.slow  # a whole session in real time (11 s)
def test_play_listen_with_an_empty_microphone_plays_on_at_low_cpu(
    routine: Path, card: ClockedCard, tmp_path: Path
) -> None:
    infile = tmp_path / "empty.raw"
    infile.write_bytes(b"")
    _use_microphone(card, infile)
    before_s = _children_cpu_s()
    started = time.monotonic()
    player = _player(routine, card.env)
    try:
        _, err = player.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        kill_tree(player.pid)
        raise AssertionError("the player did not finish") from None
    wall_s = time.monotonic() - started
    cpu_s = _children_cpu_s() - before_s
    assert player.returncode == 0, err
    assert err.count("voice commands off: the microphone's input ended") == 1, err
    assert wall_s > 8  # the whole session was played (3 s in, 2 s, 6 s out), in real time
    assert cpu_s / wall_s < 0.25, f"{cpu_s:.1f} s of CPU in {wall_s:.1f} s"


@pytest.mark.real
@pytest.mark.slow  # a session in real time, until the signal
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_stops_play_listen_with_a_stalled_microphone_within_a_second(
    routine: Path, card: ClockedCard, tmp_path: Path, signum: int
) -> None:
    holder = Stalled(tmp_path / "stalled.fifo")
    _use_microphone(card, tmp_path / "stalled.fifo")
    player = _player(routine, card.env)
    try:
        deadline = time.monotonic() + 30
        while card.speaker_started is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert card.speaker_started is not None, "the session did not start"
        time.sleep(1.0)
        assert player.poll() is None
        player.send_signal(signum)
        sent = time.monotonic()
        player.wait(timeout=10)
        took_s = time.monotonic() - sent
    finally:
        kill_tree(player.pid)
        holder.stop()
    _, err = player.communicate()
    assert took_s < 1.0, err
    assert player.returncode == (143 if signum == signal.SIGTERM else 130), err


@pytest.mark.real
@pytest.mark.slow  # a whole session in real time (11 s)
def test_play_listen_with_a_stalled_microphone_ends_by_itself(
    routine: Path, card: ClockedCard, tmp_path: Path
) -> None:
    holder = Stalled(tmp_path / "stalled.fifo")
    _use_microphone(card, tmp_path / "stalled.fifo")
    player = _player(routine, card.env)
    try:
        _, err = player.communicate(timeout=40)
    except subprocess.TimeoutExpired:
        raise AssertionError("the session never ended") from None
    finally:
        kill_tree(player.pid)
        holder.stop()
    assert player.returncode == 0, err

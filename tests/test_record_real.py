"""`voiceguide record` for real: eSpeak NG's speech fed to the microphone through ALSA's file
plugin (``infile``), miniaudio capturing it, the takes written, read back and used by an export;
keys on a real pseudo-terminal, the screen in tmux."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.speechcheck import best_match
from tests.terminal import Terminal
from voiceguide.api import load
from voiceguide.recordings.lines import routine_lines
from voiceguide.recordings.manifest import read_manifest

pytestmark = pytest.mark.real

RATE = 48000
ROUTINE = """title: Test hands
description: Room for recordings of any length.
audience: self
language: en
steps:
  - id: start
    title: Start
    duration: 20s
    say: Rest your hands. [pause 1s] Breathe out.
  - id: circles
    title: Circles
    duration: 20s
    each_hand: true
    say: Circle your {hand} palm with your {other_hand} thumb.
    prompts:
      - at: 10s
        say: Slower.
"""
BEFORE_S, AFTER_S = 1.0, 5.0


@dataclass(frozen=True)
class Speech:
    pcm: np.ndarray  # what the microphone hears, 16-bit
    start: int  # the speech's first and last sample above 1 % of its peak
    end: int


@pytest.fixture(scope="module")
def speech() -> Speech:
    """A line spoken by the project's own eSpeak NG voice, with quiet room noise around it."""
    import soxr

    from voiceguide.speech import VoiceRequest, get_engine, resolve_voice

    engine = get_engine("espeak")
    voice = resolve_voice(engine, VoiceRequest(rate_wpm=160), "en")
    (clip,) = engine.synthesize(
        ["Rest your hands, and breathe out slowly, and let your shoulders drop."], voice
    )  # 12 words, as many as the longest line of ROUTINE: no take is too short for its line
    said = soxr.resample(clip.samples, clip.sample_rate, RATE).astype(np.float64)
    said *= 0.5 / np.max(np.abs(said))
    loud = np.flatnonzero(np.abs(said) > 0.01 * np.max(np.abs(said)))
    rng = np.random.default_rng(7)
    room = 10 ** (-65 / 20)
    heard = np.concatenate(
        [rng.standard_normal(round(BEFORE_S * RATE)) * room, said + rng.standard_normal(len(said)) * room,
         rng.standard_normal(round(AFTER_S * RATE)) * room]
    )  # fmt: skip
    pcm = np.rint(np.clip(heard, -1, 1) * 32767).astype("<i2")
    before = round(BEFORE_S * RATE)
    return Speech(pcm, before + int(loud[0]), before + int(loud[-1]))


def _microphone(tmp_path: Path, infile: Path) -> dict[str, str]:
    """An environment whose ALSA default device plays into a file and records from ``infile``."""
    (tmp_path / ".asoundrc").write_text(
        "pcm.!default {\n  type asym\n"
        f'  playback.pcm {{ type file; slave.pcm "null"; file "{tmp_path / "played.raw"}"; format "raw" }}\n'
        f'  capture.pcm {{ type file; slave.pcm "null"; file "/dev/null"; infile "{infile}"; format "raw" }}\n'
        "}\n"
    )
    kept = {name: value for name, value in os.environ.items() if name not in ("COLUMNS", "LINES")}
    return {**kept, "HOME": str(tmp_path)}


def _record(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "voiceguide", "record", *args],
        env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def _located(fed: np.ndarray, take: np.ndarray) -> int:
    """Where the take's samples (inside its 5 ms edge fades) sit in what was fed, exactly."""
    inner = take[240:-240]
    size = 1 << int(np.ceil(np.log2(len(fed) + len(inner))))
    scores = np.fft.irfft(
        np.fft.rfft(fed.astype(np.float64), size) * np.conj(np.fft.rfft(inner.astype(np.float64), size)), size
    )  # fmt: skip
    at = int(np.argmax(scores[: len(fed) - len(inner)]))
    assert np.array_equal(fed[at : at + len(inner)], inner)  # lossless: the very samples heard
    return at - 240


@pytest.fixture
def routine(tmp_path: Path) -> Path:
    path = tmp_path / "hands.yaml"
    path.write_text(ROUTINE)
    return path


NAMES = ["start", "circles-right", "circles-prompt1", "circles-switch", "circles-left"]


def test_every_line_recorded_trimmed_named_and_used_by_export(
    tmp_path: Path, speech: Speech, routine: Path
) -> None:
    speech.pcm.tofile(tmp_path / "speech.raw")
    env = _microphone(tmp_path, tmp_path / "speech.raw")
    folder = tmp_path / "voice"
    done = _record(env, str(routine), "--into", str(folder))
    assert done.returncode == 0, done.stderr
    assert "5 of 5 lines recorded" in done.stdout
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        [f"{name}.flac" for name in NAMES] + ["recordings.json"]
    )
    errors_ms = []
    for name in NAMES:
        info = soundfile.info(folder / f"{name}.flac")
        assert (info.format, info.subtype, info.samplerate, info.channels) == (
            "FLAC",
            "PCM_16",
            RATE,
            1,
        )
        take, _ = soundfile.read(folder / f"{name}.flac", dtype="int16")
        start = _located(speech.pcm, take)
        errors_ms.append(
            ((start - speech.start) / RATE * 1000, (start + len(take) - speech.end) / RATE * 1000)
        )
    print("trim error (start, end) in ms:", errors_ms)
    assert all(-50 <= start <= 0 and 0 <= end <= 50 for start, end in errors_ms), errors_ms
    lines = {line.name: line.text for line in routine_lines(load(str(routine)))}
    assert {name: take.text for name, take in read_manifest(folder).items()} == lines

    out = tmp_path / "mine.wav"
    export = subprocess.run(
        [sys.executable, "-m", "voiceguide", "-v", "export", str(routine), "--recordings", str(folder),
         "--engine", "espeak", "--soundscape", "none", "--chime", "none", "-o", str(out)],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert export.returncode == 0, export.stderr
    for name in NAMES:
        assert f"recording: {name} <- {name}.flac" in export.stderr
    shown = subprocess.run(
        [sys.executable, "-m", "voiceguide", "show", str(routine), "--recordings", str(folder),
         "--engine", "espeak", "--json"], env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    events = json.loads(shown.stdout)["events"]
    take_s = (speech.end - speech.start) / RATE
    assert len(events) == 6  # five takes; the prompt's serves both rounds
    assert all(abs(event["duration_s"] - take_s) < 0.1 for event in events), events
    mixed, mix_rate = soundfile.read(out, dtype="float32")
    import soxr

    said = soxr.resample(speech.pcm[speech.start : speech.end] / 32768, RATE, mix_rate)
    first = round((events[0]["start_s"] - 0.1) * mix_rate)
    heard = mixed[first : first + len(said) + round(0.2 * mix_rate), 0].astype(np.float64)
    correlation = best_match(heard, said)  # the best alignment within 100 ms of the event's start
    print("export against the take: correlation", correlation)
    assert correlation > 0.9  # the voice in the export is the recording


def test_a_stale_take_is_named_and_recorded_again(
    tmp_path: Path, speech: Speech, routine: Path
) -> None:
    speech.pcm.tofile(tmp_path / "speech.raw")
    env = _microphone(tmp_path, tmp_path / "speech.raw")
    folder = tmp_path / "voice"
    assert _record(env, str(routine), "--into", str(folder)).returncode == 0
    routine.write_text(ROUTINE.replace("Slower.", "A little slower."))
    checked = subprocess.run(
        [sys.executable, "-m", "voiceguide", "validate", str(routine), "--no-speech", "--recordings", str(folder)],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    assert "warning: stale recording: circles-prompt1.flac says 'Slower.'" in checked.stderr
    again = _record(env, str(routine), "--into", str(folder))
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[0].startswith("kept circles-prompt1.flac (")  # that line only
    assert "5 of 5 lines recorded" in again.stdout
    assert read_manifest(folder)["circles-prompt1"].text == "A little slower."


def test_no_microphone_is_one_line_and_leaves_no_folder(tmp_path: Path, routine: Path) -> None:
    """Issue 22 item 15: the --into folder was made before the microphone was found missing."""
    env = {**os.environ, "HOME": str(tmp_path)}  # no .asoundrc, and this machine has no sound card
    done = _record(env, str(routine), "--into", str(tmp_path / "deep" / "voice"))
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("error: no microphone could be opened")
    assert not (tmp_path / "deep").exists()


@pytest.mark.parametrize("where", ["read-only folder", "a file in the way"])
def test_a_folder_that_cannot_be_written_is_named_before_the_first_take(
    tmp_path: Path, speech: Speech, routine: Path, where: str
) -> None:
    """Issue 22 item 15: into a read-only folder, record failed only after the first take."""
    speech.pcm.tofile(tmp_path / "speech.raw")
    env = _microphone(tmp_path, tmp_path / "speech.raw")
    folder = tmp_path / "voice"
    if where == "a file in the way":
        (tmp_path / "notes").write_text("notes")
        folder = tmp_path / "notes" / "voice"
    elif os.geteuid() == 0:  # root writes into any folder its mode forbids: one the kernel's
        folder = Path("/sys/kernel")
    else:
        folder.mkdir()
        folder.chmod(0o555)
    done = _record(env, str(routine), "--into", str(folder))
    assert done.returncode == 1, done
    assert done.stderr.startswith(f"error: {folder}: cannot write takes there ("), done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stdout == ""  # no take was heard, kept or refused


def _recorder(env: dict[str, str], *args: str) -> Terminal:
    """``voiceguide record ARGS`` on a real pseudo-terminal (takes need time: longer waits)."""
    return Terminal("record", *args, env=env, read_s=120, exit_s=60)


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    started: list[Terminal] = []
    yield started
    for terminal in started:
        terminal.close()


KEEP = "Keep this take"


def test_keys_keep_retake_skip_back_quit_and_resume(
    tmp_path: Path, speech: Speech, terminals: list[Terminal], routine: Path
) -> None:
    speech.pcm.tofile(tmp_path / "speech.raw")
    env = _microphone(tmp_path, tmp_path / "speech.raw")
    folder = tmp_path / "voice"
    terminal = _recorder(env, str(routine), "--into", str(folder))
    terminals.append(terminal)
    terminal.read_until("line 1 of 5: start")
    terminal.read_until(KEEP)
    terminal.send("r")  # retake
    terminal.read_until(KEEP, count=2)
    terminal.send("k")
    terminal.read_until("line 2 of 5: circles-right")
    terminal.read_until(KEEP, count=3)
    terminal.send("s")  # skip
    terminal.read_until("line 3 of 5: circles-prompt1")
    terminal.read_until(KEEP, count=4)
    terminal.send("p")  # back
    terminal.read_until("line 2 of 5: circles-right", count=2)
    terminal.read_until(KEEP, count=5)
    terminal.send("k")
    terminal.read_until("line 3 of 5: circles-prompt1", count=2)
    terminal.read_until(KEEP, count=6)
    terminal.send("k")
    terminal.read_until("line 4 of 5: circles-switch")
    terminal.send("q")
    assert terminal.wait() == 0
    assert termios.tcgetattr(terminal.fd) == terminal.before  # the terminal is given back
    assert "3 of 5 lines recorded" in terminal.screen
    assert sorted(read_manifest(folder)) == ["circles-prompt1", "circles-right", "start"]

    kept = (folder / "start.flac").stat().st_ino
    again = _recorder(env, str(routine), "--into", str(folder))
    terminals.append(again)
    again.read_until("line 4 of 5: circles-switch")  # resumes at the first line without a take
    again.read_until("3 of 5 lines recorded")
    again.send("q")
    assert again.wait() == 0

    retake = _recorder(env, str(routine), "--into", str(folder), "--line", "start")
    terminals.append(retake)
    retake.read_until(KEEP)
    retake.send("k")
    assert retake.wait() == 0
    assert (folder / "start.flac").stat().st_ino != kept  # a whole new file renamed over the old
    assert soundfile.info(folder / "start.flac").frames > RATE
    assert not [path for path in folder.iterdir() if path.name.startswith(".")]


class _SlowMicrophone:
    """A FIFO as the microphone's infile, fed at the pace of a real one, so a take is still going
    when the test interrupts it."""

    def __init__(self, path: Path, pcm: np.ndarray) -> None:
        os.mkfifo(path)
        self.path, self.pcm = path, pcm
        self.written = 0  # samples written since the microphone was last opened
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._feed, daemon=True)
        self.thread.start()

    def _feed(self) -> None:
        period = RATE // 50
        while not self.stopped.is_set():
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # no reader yet
                time.sleep(0.005)
                continue
            os.set_blocking(fd, True)
            self.written = 0
            try:
                for start in range(0, len(self.pcm), period):
                    if self.stopped.is_set():
                        break
                    os.write(fd, self.pcm[start : start + period].tobytes())
                    self.written = start + period
                    time.sleep(0.02)
            except OSError:  # the reader closed it
                pass
            finally:
                os.close(fd)
                self.written = 0

    def wait_past(self, sample: int) -> None:
        """Until the microphone has been fed past ``sample`` (on a loaded machine, later)."""
        deadline = time.monotonic() + 120
        while self.written < sample:
            assert time.monotonic() < deadline, "the microphone was never fed that far"
            time.sleep(0.02)

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=10)


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_interrupted_mid_take_keeps_the_takes_before(
    tmp_path: Path, speech: Speech, terminals: list[Terminal], how: str, routine: Path
) -> None:
    slow = _SlowMicrophone(tmp_path / "speech.raw", speech.pcm)
    try:
        env = _microphone(tmp_path, tmp_path / "speech.raw")
        folder = tmp_path / "voice"
        terminal = _recorder(env, str(routine), "--into", str(folder))
        terminals.append(terminal)
        terminal.read_until(KEEP)
        terminal.send("k")
        terminal.read_until("line 2 of 5: circles-right")
        terminal.read_until("* recording", count=2)
        slow.wait_past(speech.start + RATE)  # inside the speech: the take is half heard
        if how == "ctrl-c":
            terminal.send("\x03")
        else:
            os.kill(terminal.pid, signal.SIGTERM)
        assert terminal.wait() == (130 if how == "ctrl-c" else 143)
        assert termios.tcgetattr(terminal.fd) == terminal.before
        assert sorted(path.name for path in folder.iterdir()) == ["recordings.json", "start.flac"]
        assert list(read_manifest(folder)) == ["start"]
        assert soundfile.info(folder / "start.flac").frames > RATE
    finally:
        slow.stop()


def _pane(base: list[str], *texts: str) -> list[str]:
    """The tmux pane's rows once it shows all of ``texts`` (at most 12 rows of 40 columns)."""
    deadline = time.monotonic() + 120
    while True:
        screen = subprocess.run(
            [*base, "capture-pane", "-p"], capture_output=True, text=True, check=True
        ).stdout
        if all(text in screen for text in texts):
            break
        assert time.monotonic() < deadline, screen
        time.sleep(0.2)
    rows = screen.rstrip("\n").split("\n")
    assert len(rows) <= 12 and all(len(row) <= 40 for row in rows), screen
    return rows


def test_the_screen_in_tmux_fits_40_by_12(tmp_path: Path, speech: Speech) -> None:
    tmux = shutil.which("tmux")
    if tmux is None:
        pytest.fail("tmux is needed (scripts/setup.sh --test installs it)")
    speech.pcm.tofile(tmp_path / "speech.raw")
    env = _microphone(tmp_path, tmp_path / "speech.raw")
    socket = f"voiceguide-record-{os.getpid()}"
    command = f"HOME={tmp_path} {sys.executable} -m voiceguide record partner-hands --into {tmp_path / 'voice'}"
    base = [tmux, "-L", socket]
    subprocess.run(
        [*base, "new-session", "-d", "-x", "40", "-y", "12", command], env=env, check=True
    )
    try:
        lines = routine_lines(load("partner-hands"))
        # the first line (66 words) fills the screen; the third (14) leaves room to spare. The
        # first two are refused: 4.2 s of speech cannot hold their 66 and 29 words
        long_rows = _pane(base, "any key: again p back s skip q quit")
        assert " ".join(row.strip() for row in long_rows[:-1]) == lines[0].shown  # every word
        subprocess.run([*base, "send-keys", "s"], check=True)
        _pane(base, f"line 2 of {len(lines)}: {lines[1].name}", "any key: again")
        subprocess.run([*base, "send-keys", "s"], check=True)
        rows = _pane(base, f"line 3 of {len(lines)}: {lines[2].name}", KEEP)
        print("\n".join(long_rows), "\n" + "-" * 40 + "\n" + "\n".join(rows))
        assert rows[1] == f"0 of {len(lines)} lines recorded"
        assert " ".join(row.strip() for row in rows[3:-3:2]) == lines[2].shown  # double-spaced
        assert rows[-1] == "k keep r retake p back s skip q quit"
    finally:
        subprocess.run([*base, "kill-server"], check=False)


def test_a_key_stops_the_take(
    tmp_path: Path, speech: Speech, terminals: list[Terminal], routine: Path
) -> None:
    slow = _SlowMicrophone(tmp_path / "speech.raw", speech.pcm)
    try:
        env = _microphone(tmp_path, tmp_path / "speech.raw")
        terminal = _recorder(env, str(routine), "--into", str(tmp_path / "voice"))
        terminals.append(terminal)
        terminal.read_until("* recording")
        # the speech lasts 4.2 s; a pipe holds up to 0.7 s the recorder has not read yet; the
        # take must still hold the line's five words (1.2 s)
        slow.wait_past(speech.start + round(2.2 * RATE))
        terminal.send(" ")
        terminal.read_until(KEEP)
        seconds = float(terminal.screen.split(KEEP + " (")[1].split(" s)")[0])
        assert 0.2 < seconds < (speech.end - speech.start) / RATE - 0.3, seconds
        terminal.send("q")
        assert terminal.wait() == 0
        assert not (tmp_path / "voice" / "start.flac").exists()  # shown, never kept
    finally:
        slow.stop()


def test_a_clipped_take_is_refused_with_the_reason(
    tmp_path: Path, speech: Speech, terminals: list[Terminal], routine: Path
) -> None:
    loud = np.clip(speech.pcm.astype(np.int32) * 4, -32768, 32767).astype("<i2")
    loud.tofile(tmp_path / "speech.raw")
    env = _microphone(tmp_path, tmp_path / "speech.raw")
    terminal = _recorder(env, str(routine), "--into", str(tmp_path / "voice"))
    terminals.append(terminal)
    terminal.read_until("Not kept: clipped: move back from the microphone")
    terminal.send("x")  # any key: again
    terminal.read_until("Not kept: clipped", count=2)
    terminal.send("q")
    assert terminal.wait() == 0
    assert not (tmp_path / "voice" / "start.flac").exists()
    quiet = _record(env, str(routine), "--into", str(tmp_path / "voice"))  # no terminal: skipped
    assert quiet.returncode == 0
    assert "start: not kept: clipped: move back from the microphone" in quiet.stdout
    assert "0 of 5 lines recorded" in quiet.stdout

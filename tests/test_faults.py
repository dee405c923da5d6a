"""Faults injected for real: a speech helper that hangs, a corrupted cache, an export killed with
SIGKILL at random moments, a player killed while it plays."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.conftest import run_cli
from voiceguide.cache import cache_usage, trim_cache
from voiceguide.errors import EngineError
from voiceguide.speech import espeak
from voiceguide.speech.base import Voice
from voiceguide.speech.cache import ClipCache, clip_key
from voiceguide.speech.worker import Worker, Zygote

HANGING_HELPER = textwrap.dedent(
    """
    import json, sys, time
    with open(sys.argv[1], "a") as log:
        log.write("started\\n")
    print(json.dumps({"ok": True, "sample_rate": 22050, "version": "hang", "voices": [], "variants": []}), flush=True)
    for line in sys.stdin:
        time.sleep(3600)  # never answers
    """
)


@pytest.fixture
def hanging_helper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """eSpeak's helper process replaced by one that starts, then never answers."""
    script = tmp_path / "hang.py"
    script.write_text(HANGING_HELPER)
    starts = tmp_path / "starts.log"
    Zygote.stop()
    monkeypatch.setattr(espeak, "ZYGOTE_SCRIPT", script)
    monkeypatch.setattr(espeak, "_timeout_s", lambda text: 1.0)
    original = Worker.__init__

    def with_log(self: Worker, command: list[str], name: str) -> None:
        original(self, [*command[:2], str(starts)], name)  # the log instead of a job count

    monkeypatch.setattr(Worker, "__init__", with_log)
    yield starts
    Zygote.stop()


def test_a_hanging_engine_is_stopped_retried_once_and_reported_with_its_line(
    hanging_helper: Path,
) -> None:
    engine = espeak.EspeakEngine()
    started = time.monotonic()
    with pytest.raises(
        EngineError,
        match=re.escape("eSpeak NG stopped answering while speaking: 'Rest your hands.'"),
    ):
        engine.synthesize(["Rest your hands."], Voice("en-us", 140, 40))
    assert time.monotonic() - started < 15
    assert hanging_helper.read_text().count("started") == 2  # the first try, and one retry
    survivors = subprocess.run(
        ["pgrep", "-f", str(hanging_helper.parent / "hang.py")], capture_output=True, text=True
    )
    assert survivors.stdout.strip() == ""  # both helpers were killed


def test_a_corrupted_cache_entry_is_made_again(tmp_path: Path) -> None:
    from tests.fakes import ToneEngine
    from voiceguide.speech import speak_all

    engine = ToneEngine()
    cache = ClipCache(tmp_path)
    first = speak_all(engine, engine.default_voice, ["One."], cache)
    path = next((tmp_path / "clips").rglob("*.vgc"))
    path.write_bytes(path.read_bytes()[:100])  # truncated
    second = speak_all(engine, engine.default_voice, ["One."], cache)
    assert engine.spoken == ["One.", "One."]
    assert np.array_equal(first["One."].samples, second["One."].samples)
    key = clip_key(engine.identity(engine.default_voice), engine.default_voice, "One.")
    assert cache.get(key) is not None


def test_cache_has_a_size_limit_and_can_be_cleared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.fakes import ToneEngine
    from voiceguide.speech import speak_all

    engine = ToneEngine()
    speak_all(
        engine, engine.default_voice, [f"Line number {n}." for n in range(20)], ClipCache(tmp_path)
    )
    usage = cache_usage(tmp_path)
    assert usage.files == 20
    removed = trim_cache(tmp_path, limit_bytes=usage.size_bytes // 2)
    assert removed >= 10 and cache_usage(tmp_path).size_bytes <= usage.size_bytes // 2
    monkeypatch.setenv("VOICEGUIDE_CACHE_DIR", str(tmp_path))
    info = run_cli("cache", "info")
    assert info.exit_code == 0 and str(tmp_path) in info.stdout and "clips" in info.stdout
    cleared = run_cli("cache", "clear")
    assert cleared.exit_code == 0 and cache_usage(tmp_path).files == 0


@pytest.mark.real
def test_an_export_killed_at_any_moment_leaves_the_old_file_or_the_new_one(tmp_path: Path) -> None:
    out = tmp_path / "session.flac"
    reference = tmp_path / "reference.flac"
    assert (
        run_cli("export", "desk-break", "-o", str(reference)).exit_code == 0
    )  # also warms the cache
    old = b"the previous session file"
    rng = random.Random(20261121)
    env = {**os.environ}
    outcomes = set()
    for _ in range(6):
        if not out.exists() or out.read_bytes() != reference.read_bytes():
            out.write_bytes(old)
        process = subprocess.Popen(
            [sys.executable, "-m", "voiceguide", "export", "desk-break", "-o", str(out), "--force"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(rng.uniform(0.05, 1.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        content = out.read_bytes()
        assert content in (old, reference.read_bytes())
        outcomes.add("old" if content == old else "new")
    assert run_cli("export", "desk-break", "-o", str(out), "--force").exit_code == 0
    assert [
        p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")
    ] == []  # leftovers cleaned
    assert soundfile.info(out).duration > 60
    assert outcomes  # at least one kill happened mid-way (usually both outcomes are seen)


@pytest.mark.real
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_player_killed_while_playing_restores_the_terminal(signum: int) -> None:
    import termios

    from tests.terminal import Terminal

    with Terminal("play", "desk-break", "--backend", "null") as terminal:
        terminal.read_until("> Warm-up rub")
        os.kill(terminal.pid, signum)
        terminal.wait()
        assert termios.tcgetattr(terminal.fd) == terminal.before


def test_ctrl_c_ends_the_program_even_when_a_library_thread_would_hold_its_exit_up() -> None:
    """Every ``finally`` runs, the one line is said, and then the process ends within the grace
    time even though a non-daemon thread (as a library might leave) would keep it alive forever."""
    script = textwrap.dedent(
        """
        import threading, time
        from voiceguide import cli
        threading.Thread(target=time.sleep, args=(3600,), daemon=False).start()

        @cli.cli.command("stuck")
        def stuck():
            try:
                raise KeyboardInterrupt
            finally:
                print("cleaned up", flush=True)

        cli.main(["stuck"])
        """
    )
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    took_s = time.monotonic() - started
    assert done.returncode == 130, done.stderr
    assert done.stdout == "cleaned up\n" and done.stderr.strip() == "interrupted"
    from voiceguide.cli import EXIT_GRACE_S

    assert EXIT_GRACE_S <= took_s < EXIT_GRACE_S + 20

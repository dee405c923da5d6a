"""Benchmark: time from the `voiceguide play` command to its first audio frame.

The player runs for real (miniaudio into ALSA) with an ALSA configuration that writes what is
played to a file; the first frame has reached ALSA when that file first grows. Measured for the
20-minute partner-hands with a warm clip cache and a cold one (best of three each), with each
engine. A cold start plays the first step while the rest is spoken (an early start).
Targets on a 2-core machine: warm <= 0.5 s; cold <= 1.5 s with eSpeak NG, <= 3 s with Piper
(its model load included). Run:  python scripts/bench_play.py [--engine piper|espeak]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROUTINE = "partner-hands"


def first_frame_s(home: Path, cache: Path, engine: str) -> float:
    captured = home / "played.raw"
    captured.unlink(missing_ok=True)
    env = {**os.environ, "HOME": str(home), "VOICEGUIDE_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "voiceguide", "play", ROUTINE, "--engine", engine, "--quiet"],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        while True:
            if captured.exists() and captured.stat().st_size > 0:
                return time.perf_counter() - start
            if process.poll() is not None:
                errors = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"the player ended first: {errors}")
            time.sleep(0.002)
    finally:
        process.kill()
        process.wait()


def main() -> None:
    engines = sys.argv[2:3] if sys.argv[1:2] == ["--engine"] else ["piper", "espeak"]
    for engine in engines:
        cold, warm = measure(engine)
        target = 3.0 if engine == "piper" else 1.5
        print(f"first audio frame, {ROUTINE}, {engine}: warm cache {warm:.2f} s (target <= 0.5 s), "
              f"cold cache {cold:.2f} s (target <= {target:g} s)")  # fmt: skip


def measure(engine: str) -> tuple[float, float]:
    """Best of three, cold then warm."""
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        (home / ".asoundrc").write_text(
            f'pcm.!default {{\n  type file\n  slave.pcm "null"\n  file "{home / "played.raw"}"\n  format "raw"\n}}\n'
        )
        cold = [first_frame_s(home, home / f"cold-{run}", engine) for run in range(3)]
        warm_cache = home / "warm"
        subprocess.run(  # every line spoken and the session measured: a warm cache
            [sys.executable, "-m", "voiceguide", "show", ROUTINE, "--engine", engine],
            env={**os.environ, "VOICEGUIDE_CACHE_DIR": str(warm_cache)},
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        warm = [first_frame_s(home, warm_cache, engine) for _ in range(3)]
    return min(cold), min(warm)


if __name__ == "__main__":
    main()

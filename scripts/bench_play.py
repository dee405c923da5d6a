"""Benchmark: time from the `voiceguide play` command to its first audio frame.

The player runs for real (miniaudio into ALSA) with an ALSA configuration that writes what is
played to a file; the first frame has reached ALSA when that file first grows. Measured for the
20-minute partner-hands with a warm clip cache and a cold one (best of three each).
Targets on a 2-core machine: warm <= 0.5 s, cold <= 1.5 s. Run:  python scripts/bench_play.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROUTINE = "partner-hands"


def first_frame_s(home: Path, cache: Path) -> float:
    captured = home / "played.raw"
    captured.unlink(missing_ok=True)
    env = {**os.environ, "HOME": str(home), "VOICEGUIDE_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "voiceguide", "play", ROUTINE, "--quiet"],
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
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        (home / ".asoundrc").write_text(
            f'pcm.!default {{\n  type file\n  slave.pcm "null"\n  file "{home / "played.raw"}"\n  format "raw"\n}}\n'
        )
        cold = []
        for run in range(3):
            cache = home / f"cold-{run}"
            cold.append(first_frame_s(home, cache))
        warm = [first_frame_s(home, home / "cold-0") for _ in range(3)]
    print(f"first audio frame, {ROUTINE}: warm cache {min(warm):.2f} s (target <= 0.5 s), "
          f"cold cache {min(cold):.2f} s (target <= 1.5 s)")  # fmt: skip


if __name__ == "__main__":
    main()

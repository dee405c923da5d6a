"""How long ``voiceguide --help`` takes, beside the interpreter starting and doing nothing.

    python scripts/bench_help.py [--runs 20]

Each run is a fresh process (``python -m voiceguide --help``); the best and the median of
``--runs`` are printed for both, and the difference is what voiceguide's own imports cost.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _times(command: list[str], runs: int) -> list[float]:
    took: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
        took.append(time.perf_counter() - start)
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    rows = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "voiceguide --help": [sys.executable, "-m", "voiceguide", "--help"],
    }
    print(f"{'command':<20} {'best':>8} {'median':>8}   ({runs} runs each, alternating)")
    results: dict[str, list[float]] = {name: [] for name in rows}
    for _ in range(runs):
        for name, command in rows.items():
            results[name] += _times(command, 1)
    for name, took in results.items():
        print(f"{name:<20} {min(took):7.3f}s {statistics.median(took):7.3f}s")
    extra = min(results["voiceguide --help"]) - min(results["python -c pass"])
    print(f"voiceguide's own start-up: {extra:.3f} s (best against best); target: --help <= 0.1 s")


if __name__ == "__main__":
    main()

"""Benchmark: what `export --all --update` costs when nothing changed, against what telling it by
rendering and comparing bytes would cost.

For every bundled routine (or those given) this times, in one warm process: the key (routine,
options, engine and voice chosen with the engine's identity, files read, voiceguide's code; what
``--update`` computes), and the full render and encode to MP3 that comparing bytes would need
(speaking through the warm cache). CPU time (user + system of this process) is printed beside wall
time: on a busy machine it is the steadier figure. Run:
python scripts/bench_sync.py [--engine espeak] [--minutes 15] [ROUTINE ...]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path


def _timed(work: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def _row(name: str, key: tuple[float, float], render: tuple[float, float]) -> str:
    return (
        f"{name:<18} key {key[0]:6.3f} s (cpu {key[1]:6.3f})   "
        f"render+encode {render[0]:6.1f} s (cpu {render[1]:6.1f})"
    )


def main() -> None:
    from voiceguide import api
    from voiceguide.exporting import ExportRequest, export_routine
    from voiceguide.routinefile import bundled_names

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("routines", nargs="*")
    parser.add_argument("--engine", default="espeak")
    parser.add_argument("--minutes", type=float, default=None)
    args = parser.parse_args()
    names = args.routines or list(bundled_names())
    options = api.SessionOptions(engine=args.engine, minutes=args.minutes)
    keys, renders = [0.0, 0.0], [0.0, 0.0]
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            target = Path(folder) / f"{name}.mp3"
            exported = api.session_options_for(target, options)
            key = _timed(partial(api.session_key, name, exported, "mp3"))
            render = _timed(
                partial(export_routine, name, target, ExportRequest(force=True), options)
            )
            print(_row(name, key, render), flush=True)
            keys = [keys[0] + key[0], keys[1] + key[1]]
            renders = [renders[0] + render[0], renders[1] + render[1]]
    print(_row("all", (keys[0], keys[1]), (renders[0], renders[1])))


if __name__ == "__main__":
    main()

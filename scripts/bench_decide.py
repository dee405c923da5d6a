"""How long deciding one utterance takes (wall clock, this process), pocketsphinx alone and with
the second opinion (Whisper tiny.en), on utterances kept by ``bench_listen.py --keep``: the time
a command waits after its utterance ended, before it acts. Run it on an idle machine
(``flock -x /tmp/idle.lock``) and say the load.

    python scripts/bench_decide.py KEPT.pickle [--utterances 40]
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

import bench_listen

from voiceguide.listen.decoding import Decoding
from voiceguide.listen.second_opinion import SecondOpinion


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kept", type=Path)
    parser.add_argument("--utterances", type=int, default=40)
    args = parser.parse_args()
    sys.modules["__main__"].Kept = bench_listen.Kept  # type: ignore[attr-defined]
    sys.modules["__main__"].Trial = bench_listen.Trial  # type: ignore[attr-defined]
    with args.kept.open("rb") as stored:
        kept: list[bench_listen.Kept] = pickle.load(stored)["kept"]
    step = max(1, len(kept) // args.utterances)
    chosen = [k for k in kept[::step] if k.trial[0] >= 0][: args.utterances]
    started = time.perf_counter()
    opinion = SecondOpinion()
    print(f"second opinion loaded in {time.perf_counter() - started:.2f} s")
    for name, with_opinion in (("pocketsphinx alone", False), ("with the second opinion", True)):
        deciders = {
            wake: Decoding([], wake=wake, opinion=opinion if with_opinion else False)
            for wake in (False, True)
        }
        times_ms = []
        for k in chosen:
            wake = k.trial[3].startswith("guide")
            started = time.perf_counter()
            deciders[wake].decide(k.pcm)
            times_ms.append(1000 * (time.perf_counter() - started))
        print(
            f"{name}: {len(times_ms)} utterances, median {np.median(times_ms):.0f} ms, "
            f"90th percentile {np.percentile(times_ms, 90):.0f} ms, longest {max(times_ms):.0f} ms"
        )
    scores_ms = []
    for k in chosen:
        started = time.perf_counter()
        opinion.scores(k.pcm, k.trial[3].startswith("guide"))
        scores_ms.append(1000 * (time.perf_counter() - started))
    print(f"the second opinion alone: median {np.median(scores_ms):.0f} ms")


if __name__ == "__main__":
    main()

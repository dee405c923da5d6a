"""Benchmark: render bedtime-hands to WAV cold and warm, with each engine, beside a hand-written
pydub pipeline; and the time to the first sound of `play`, cold and warm.

Every measurement runs in a fresh Python process (imports included, as a user would wait for them)
and reports its wall time and peak memory (resident set size of the process, plus the speech helper
process when one ran). Run:  python scripts/bench.py   (needs the test and neural extras)
Targets on a 2-core machine, eSpeak NG: cold <= 3 s, warm <= 1 s, >= 10x faster than pydub,
60-minute peak <= 200 MB. Piper: warm export as fast as with eSpeak NG; first sound <= 3 s cold.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROUTINE = "bedtime-hands"


def _child(mode: str, out: Path, minutes: float | None) -> None:
    """Runs inside the measured process. ``mode``: pydub, or the engine to export with."""
    if mode == "pydub":
        _pydub_pipeline(out)
    else:
        from voiceguide import api

        options = api.SessionOptions(engine=mode, minutes=minutes)
        session = api.prepare(api.load(ROUTINE), options)
        api.export(session, out, force=True)
        from voiceguide.speech.worker import Zygote

        Zygote.stop()  # so the helpers' peak memory is counted below
    own_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    helper_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"peak_mb": own_mb, "helper_mb": helper_mb}))


def _pydub_pipeline(out: Path) -> None:
    """The same job written the way pydub's documentation suggests: overlay every clip and cue on a
    silent base, loop the soundscape under it, fade in and out, export. It uses voiceguide's planned
    timeline, clips and gains (the sounds are the same; only the mixing and writing differ)."""
    import numpy as np
    from pydub import AudioSegment

    from voiceguide import api
    from voiceguide.render.mix import cue_samples

    session = api.prepare(api.load(ROUTINE), api.SessionOptions(engine="espeak"))
    mix = session.mix
    rate = mix.sample_rate

    def segment(samples: np.ndarray, gain: float, channels: int = 1) -> AudioSegment:
        pcm = np.rint(np.clip(samples * gain * mix.master_gain, -1, 1) * 32767).astype(np.int16)
        return AudioSegment(pcm.tobytes(), frame_rate=rate, sample_width=2, channels=channels)

    base = AudioSegment.silent(duration=round(mix.timeline.total_s * 1000), frame_rate=rate)
    base = base.set_channels(2).set_sample_width(2)
    if mix.bed is not None:
        base = base.overlay(
            segment(mix.bed.samples.reshape(-1), mix.bed_gain, channels=2), loop=True
        )
    for event in mix.timeline.events:
        clip = segment(mix.clips[event.line], 10 ** (event.gain_db / 20)).set_channels(2)
        base = base.overlay(clip, position=round(event.start_s * 1000))
    for cue in mix.timeline.cues:
        sound = segment(cue_samples(cue, rate), 1.0).set_channels(2)
        base = base.overlay(sound, position=round(cue.start_s * 1000))
    base = base.fade_in(3000).fade_out(6000)
    base.export(out, format="wav")


def _measure(mode: str, cache: Path, minutes: float | None = None) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out.wav"
        command = [sys.executable, __file__, "--child", mode, "--out", str(out)]
        if minutes:
            command += ["--minutes", str(minutes)]
        env = {"VOICEGUIDE_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin"}
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
        wall_s = time.perf_counter() - start
    report: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    report["wall_s"] = wall_s
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--minutes", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (the best is shown)")
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.out, args.minutes)
        return

    def best(mode: str, fresh_cache: bool, minutes: float | None = None) -> dict[str, float]:
        runs = []
        for _ in range(1 if mode == "pydub" else args.repeat):  # pydub is slow and steady
            if fresh_cache:
                with tempfile.TemporaryDirectory() as cache:
                    runs.append(_measure(mode, Path(cache), minutes))
            else:
                runs.append(_measure(mode, warm_cache, minutes))
        return min(runs, key=lambda run: run["wall_s"])

    with tempfile.TemporaryDirectory() as warm_folder:
        warm_cache = Path(warm_folder)
        for engine in ("espeak", "piper"):
            _measure(engine, warm_cache)  # fill the cache
        rows = [
            ("espeak, cold cache (15 min)", best("espeak", True), "<= 3 s"),
            ("espeak, warm cache (15 min)", best("espeak", False), "<= 1 s"),
            ("piper, cold cache (15 min)", best("piper", True), ""),
            ("piper, warm cache (15 min)", best("piper", False), "as fast as espeak, warm"),
            ("pydub overlay pipeline (15 min)", best("pydub", False), ""),
            ("espeak, warm, --minutes 60", best("espeak", False, 60.0), "<= 200 MB"),
        ]
    print(f"{'export to WAV':<34} {'wall':>8} {'peak':>9} {'helper':>8}  target")
    for name, run, target in rows:
        helper = f"{run['helper_mb']:.0f} MB" if run["helper_mb"] > 0 else "-"
        print(f"{name:<34} {run['wall_s']:>6.2f} s {run['peak_mb']:>6.0f} MB {helper:>8}  {target}")
    speedup = rows[4][1]["wall_s"] / rows[1][1]["wall_s"]
    print(
        f"warm voiceguide (espeak) is {speedup:.1f}x faster than the pydub pipeline (target >= 10x)"
    )
    first_sound = _bench_play()
    for engine in ("piper", "espeak"):
        cold_s, warm_s = first_sound.measure(engine)
        target = "<= 3 s" if engine == "piper" else "<= 1.5 s"
        print(f"first sound in play ({first_sound.ROUTINE}), {engine}: cold {cold_s:.2f} s "
              f"(target {target}), warm {warm_s:.2f} s (target <= 0.5 s)")  # fmt: skip


def _bench_play() -> Any:
    """scripts/bench_play.py, the first-sound benchmark, loaded from beside this file."""
    path = Path(__file__).with_name("bench_play.py")
    spec = importlib.util.spec_from_file_location("bench_play", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


if __name__ == "__main__":
    main()

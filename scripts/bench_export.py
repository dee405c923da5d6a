"""Benchmark: export time per format beside the time the encoder alone needs for the same audio,
and peak memory for a 60-minute MP3 export.

"Export" is a warm `voiceguide export bedtime-hands -o FILE` in a fresh process (render, encode,
tags). "Encoder alone" encodes the same session's audio, rendered beforehand into memory, with the
same encoder and settings. Target: MP3 export at most 1.25x the encoder alone; 60-minute MP3
export peak memory at most 200 MB. Run:  python scripts/bench_export.py
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROUTINE = "bedtime-hands"
SUFFIXES = (".wav", ".flac", ".mp3", ".ogg", ".opus", ".m4a")


def _encoder_alone(suffix: str) -> float:
    import numpy as np

    from voiceguide import api
    from voiceguide.export import EncodeOptions, format_for, metadata_for
    from voiceguide.export.encoders import encode_ffmpeg, encode_sndfile
    from voiceguide.render import render_blocks
    from voiceguide.sound.beds import find_ffmpeg

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"alone{suffix}"
        fmt = format_for(path)
        encoding = EncodeOptions()
        session = api.prepare(
            api.load(ROUTINE), api.session_options_for(path, api.SessionOptions(), encoding)
        )
        audio = np.concatenate(list(render_blocks(session.mix)))
        blocks = [audio[i : i + 131072] for i in range(0, len(audio), 131072)]
        kbps = encoding.resolved_kbps(fmt)
        start = time.perf_counter()
        if fmt.encoder == "ffmpeg":
            ffmpeg = find_ffmpeg()
            assert ffmpeg is not None
            meta = metadata_for(session.routine, session.timeline)
            encode_ffmpeg(path, blocks, fmt, ffmpeg=ffmpeg, metadata=meta, sample_rate=session.mix.sample_rate,
                          mono=False, kbps=kbps, total_frames=len(audio), progress=None)  # fmt: skip
        else:
            encode_sndfile(path, blocks, fmt, sample_rate=session.mix.sample_rate, mono=False, kbps=kbps,
                           total_frames=len(audio), progress=None)  # fmt: skip
        return time.perf_counter() - start


def _run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time of a command, and its peak memory (MB) read from the child's resource usage."""
    wrapper = (
        "import json, resource, subprocess, sys, time; t = time.perf_counter(); "
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
        "print(json.dumps([time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper, *command],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    wall_s, peak_mb = json.loads(done.stdout)
    return float(wall_s), float(peak_mb)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--alone", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.alone:
        print(json.dumps(_encoder_alone(args.alone)))
        return
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as out:
        env = {**os.environ, "VOICEGUIDE_CACHE_DIR": cache}
        voiceguide = [sys.executable, "-m", "voiceguide"]
        print(f"{'format':<7} {'export':>9} {'encoder alone':>14} {'ratio':>6} {'size':>8}")
        for suffix in SUFFIXES:
            target = Path(out) / f"session{suffix}"
            subprocess.run(
                [*voiceguide, "export", ROUTINE, "-o", str(target), "--force"],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )  # warms the caches for this format's sample rate
            export_s, _ = _run([*voiceguide, "export", ROUTINE, "-o", str(target), "--force"], env)
            alone = subprocess.run([sys.executable, __file__, "--alone", suffix], capture_output=True, text=True,
                                   env=env, check=True)  # fmt: skip
            alone_s = float(json.loads(alone.stdout))
            size_mb = target.stat().st_size / 1e6
            print(
                f"{suffix[1:]:<7} {export_s:>7.2f} s {alone_s:>12.2f} s {export_s / alone_s:>6.2f} {size_mb:>5.1f} MB"
            )
        target = Path(out) / "hour.mp3"
        subprocess.run([*voiceguide, "export", ROUTINE, "--minutes", "60", "-o", str(target), "--force"], env=env,
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        wall_s, peak_mb = _run(
            [*voiceguide, "export", ROUTINE, "--minutes", "60", "-o", str(target), "--force"], env
        )
        print(
            f"60-minute MP3 export: {wall_s:.1f} s, peak memory {peak_mb:.0f} MB (target <= 200 MB)"
        )


if __name__ == "__main__":
    main()

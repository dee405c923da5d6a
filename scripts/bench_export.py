"""Benchmark: our export time per format beside ffmpeg's own encoder for the same audio and settings,
and peak memory for a 60-minute MP3 export.

"ours" is a warm `voiceguide export bedtime-hands -o FILE` in a fresh process (start-up, render,
encode, tags, cover). "ffmpeg" is the ffmpeg program encoding the same session, rendered beforehand
to 16-bit PCM on disk, with the same encoder and settings (MP3: libmp3lame at -q 5, CBR; Opus:
libopus, VBR at the same bitrate; AAC: ffmpeg's aac; Ogg: libvorbis at the same quality; FLAC at
level 5). Runs alternate between the two, and each figure is the best of --runs. Wall time and CPU
time (user + system, all threads and children) are both printed: on a busy machine CPU time is the
steadier comparison. Targets: MP3, Opus, AAC at most 1.1x ffmpeg. Run:
python scripts/bench_export.py [--runs N] [--formats mp3,opus,m4a] [--no-hour]

With ``--cold ENGINE``: a cold export of bedtime-hands with ENGINE (fresh process, empty clip
cache) to WAV and to MP3, beside the engine alone speaking the same lines at the same paces in a
fresh process (scripts/bench_voices.py export). Target with Piper: the WAV export at most 1.1x
Piper alone (what speaking costs beyond the engine: the cache, leveling, planning, mixing and
writing; an MP3's encoder adds its own seconds, printed beside it).
python scripts/bench_export.py --cold piper
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROUTINE = "bedtime-hands"
SUFFIXES = (".wav", ".flac", ".mp3", ".ogg", ".opus", ".m4a")
_WRAPPER = (
    "import json, resource, subprocess, sys, time; t = time.perf_counter(); "
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
    "r = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "print(json.dumps([time.perf_counter() - t, r.ru_utime + r.ru_stime, r.ru_maxrss / 1024]))"
)


def _ffmpeg_settings(suffix: str) -> list[str]:
    """ffmpeg's arguments for the settings our export uses by default."""
    from voiceguide.export import EncodeOptions, format_for
    from voiceguide.export.encoders import compression_level
    from voiceguide.export.mp3 import QUALITY

    fmt = format_for(Path(f"x{suffix}"))
    kbps = EncodeOptions().resolved_kbps(fmt)
    return {
        ".wav": ["-c:a", "pcm_s16le"],
        ".flac": ["-c:a", "flac", "-compression_level", "5"],
        ".mp3": ["-c:a", "libmp3lame", "-b:a", f"{kbps}k", "-compression_level", str(QUALITY)],
        ".ogg": ["-c:a", "libvorbis", "-q:a", f"{10 * (1 - compression_level(kbps or 0)):.3f}"],
        ".opus": ["-c:a", "libopus", "-b:a", f"{kbps}k"],
        ".m4a": ["-c:a", "aac", "-b:a", f"{kbps}k", "-f", "ipod"],
    }[suffix]


def _render_pcm(suffix: str, out: Path) -> int:
    """Render the session for ``suffix`` into a raw 16-bit stereo file; its sample rate."""
    import numpy as np

    from voiceguide import api
    from voiceguide.export import EncodeOptions
    from voiceguide.render import render_blocks

    options = api.session_options_for(Path(f"x{suffix}"), api.SessionOptions(), EncodeOptions())
    session = api.prepare(api.load(ROUTINE), options)
    with out.open("wb") as sink:
        for block in render_blocks(session.mix):
            pcm = np.rint(np.clip(block, -1.0, 32767 / 32768) * 32768).astype("<i2")
            sink.write(pcm.tobytes())
    return session.mix.sample_rate


def _measure(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall time, CPU time and peak memory (MB) of a command in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *command],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    wall_s, cpu_s, peak_mb = json.loads(done.stdout)
    return float(wall_s), float(cpu_s), float(peak_mb)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=2, help="best of this many runs (default 2)")
    parser.add_argument(
        "--formats", default=",".join(s[1:] for s in SUFFIXES), help="e.g. mp3,opus"
    )
    parser.add_argument("--no-hour", action="store_true", help="skip the 60-minute memory check")
    parser.add_argument("--cold", metavar="ENGINE", help="a cold export beside ENGINE alone")
    args = parser.parse_args()
    if args.cold:
        from bench_voices import bench_export  # (this folder is first on sys.path)

        bench_export(ROUTINE, args.cold, ("wav", "mp3"))
        return
    from voiceguide.sound.beds import find_ffmpeg

    ffmpeg = find_ffmpeg()
    if ffmpeg is None:
        sys.exit(
            "the comparison needs ffmpeg: apt-get install ffmpeg, or pip install imageio-ffmpeg"
        )
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as out:
        env = {**os.environ, "VOICEGUIDE_CACHE_DIR": cache}
        voiceguide = [sys.executable, "-m", "voiceguide"]
        print(f"ffmpeg: {ffmpeg}; best of {args.runs} runs")
        print(
            f"{'format':<7} {'ours':>8} {'ffmpeg':>8} {'ratio':>6}   "
            f"{'ours CPU':>8} {'ffmpeg CPU':>10} {'ratio':>6} {'size':>8}"
        )
        for suffix in (f".{name}" for name in args.formats.split(",")):
            target = Path(out) / f"session{suffix}"
            export = [*voiceguide, "export", ROUTINE, "-o", str(target), "--force"]
            subprocess.run(export, env=env, check=True, stdout=subprocess.DEVNULL)  # warm caches
            pcm = Path(out) / "session.s16"
            rate = _render_pcm(suffix, pcm)
            theirs = [ffmpeg, "-nostdin", "-v", "error", "-y", "-f", "s16le", "-ar", str(rate), "-ac", "2",
                      "-i", str(pcm), *_ffmpeg_settings(suffix), str(Path(out) / f"ffmpeg{suffix}")]  # fmt: skip
            ours_runs, their_runs = [], []
            for _ in range(args.runs):
                ours_runs.append(_measure(export, env))
                their_runs.append(_measure(theirs, env))
            ours_s, ours_cpu = min(r[0] for r in ours_runs), min(r[1] for r in ours_runs)
            their_s, their_cpu = min(r[0] for r in their_runs), min(r[1] for r in their_runs)
            size_mb = target.stat().st_size / 1e6
            print(
                f"{suffix[1:]:<7} {ours_s:>6.2f} s {their_s:>6.2f} s {ours_s / their_s:>6.2f}   "
                f"{ours_cpu:>6.2f} s {their_cpu:>8.2f} s {ours_cpu / their_cpu:>6.2f} {size_mb:>5.1f} MB",
                flush=True,
            )
        if args.no_hour:
            return
        target = Path(out) / "hour.mp3"
        hour = [*voiceguide, "export", ROUTINE, "--minutes", "60", "-o", str(target), "--force"]
        subprocess.run(hour, env=env, check=True, stdout=subprocess.DEVNULL)
        wall_s, _, peak_mb = _measure(hour, env)
        print(
            f"60-minute MP3 export: {wall_s:.1f} s, peak memory {peak_mb:.0f} MB (target <= 200 MB)"
        )


if __name__ == "__main__":
    main()

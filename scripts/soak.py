"""Long nights and heavy use: memory of a 6-hour export, and 200 exports in one process.

Prints peak memory (resident set) for a 6-hour session (a long linger) exported to MP3, and
resident memory and open file descriptors before and after 200 exports in one process: neither
should grow. Run:  python scripts/soak.py
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _rss_mb() -> float:
    with Path("/proc/self/statm").open() as stream:
        return int(stream.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _open_fds() -> int:
    return len(list(Path("/proc/self/fd").iterdir()))


def _many(count: int) -> None:
    from voiceguide import api

    with tempfile.TemporaryDirectory() as folder:
        session = api.prepare(api.load("desk-break"))
        samples = []
        for index in range(count):
            out = Path(folder) / "out.flac"
            session = api.prepare(
                api.load("desk-break"), api.session_options_for(out, api.SessionOptions())
            )
            api.export(session, out, force=True)
            if index in (9, count - 1):
                samples.append((index + 1, _rss_mb(), _open_fds()))
    (first, rss_a, fds_a), (last, rss_b, fds_b) = samples
    print(json.dumps({"first": [first, rss_a, fds_a], "last": [last, rss_b, fds_b]}))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--many":
        _many(int(sys.argv[2]))
        return
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "night.mp3"
        arguments = [
            "export",
            "bedtime-hands",
            "--minutes",
            "240",
            "--linger",
            "120",
            "-o",
            str(out),
        ]
        command = [sys.executable, "-m", "voiceguide", *arguments]
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        wall_s = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"6-hour session ({' '.join(arguments[1:6])}) to MP3: {wall_s:.0f} s, peak memory {peak_mb:.0f} MB"
        )
    done = subprocess.run(
        [sys.executable, __file__, "--many", "200"], check=True, capture_output=True, text=True
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    (first, rss_a, fds_a), (last, rss_b, fds_b) = report["first"], report["last"]
    print(f"exports in one process: after {first}: {rss_a:.0f} MB, {fds_a} open files; "
          f"after {last}: {rss_b:.0f} MB, {fds_b} open files")  # fmt: skip


if __name__ == "__main__":
    main()

"""How much cache the six bundled routines take with both engines (Piper and eSpeak NG).

Prepares every bundled routine with each engine (as `voiceguide show` or a first export does) into
a fresh cache folder and prints its size by namespace. Target: at most 150 MB in all, so the
default 500 MB limit never evicts them. Run:  python scripts/cache_size.py [--engines piper,espeak]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from voiceguide import api
from voiceguide.cache import cache_usage
from voiceguide.routinefile.bundled import bundled_names

TARGET_MB = 150.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="piper,espeak", help="comma-separated engine names")
    parser.add_argument(
        "--cache-dir", type=Path, help="fill this folder instead of a temporary one"
    )
    arguments = parser.parse_args()
    engines = arguments.engines.split(",")
    with tempfile.TemporaryDirectory(prefix="voiceguide-cache-size-") as temporary:
        folder = arguments.cache_dir or Path(temporary)
        started = time.perf_counter()
        for name in bundled_names():
            for engine in engines:
                api.prepare(api.load(name), api.SessionOptions(engine=engine, cache_dir=folder))
        usage = cache_usage(folder)
        took_s = time.perf_counter() - started
    names = len(bundled_names())
    print(
        f"{names} routines x {len(engines)} engines ({', '.join(engines)}), made in {took_s:.0f} s"
    )
    for kind, files, size in usage.by_kind:
        print(f"  {kind:<9} {files:>6} files  {size / 1e6:8.1f} MB")
    verdict = "within" if usage.size_bytes / 1e6 <= TARGET_MB else "OVER"
    print(f"total {usage.size_bytes / 1e6:.1f} MB ({verdict} the {TARGET_MB:.0f} MB target)")


if __name__ == "__main__":
    main()

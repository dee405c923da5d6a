"""How much clip cache the bundled routines take with the default voice of each engine.

Prepares every bundled routine with each engine's voice for its language (as `voiceguide show` or
a first export does), each routine and engine into a cache folder of its own, and prints the size
of each and the total beside the default cache limit (500 MB): the clips of every routine with
every engine must fit it, so the limit never evicts them. A routine an engine has no voice for
(Kokoro and German, Piper and anything but English) is left out and said so.

Kokoro makes about 0.9 s of computing per second of speech: all of its routines take the better
part of an hour on two cores. ``--only ENGINE=ROUTINE,...`` measures just those routines for that
engine and estimates the others from the bytes a second of speech that engine's measured routines
took (the seconds of speech from the fake engine's timeline, which speaks at the same pace); the
output says which figures are estimates. Run:

    python scripts/cache_size.py [--engines kokoro,piper,espeak] [--only kokoro=desk-break]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("VOICEGUIDE_FAKE_ENGINE", "1")  # (the speech seconds of each routine)

from voiceguide import api
from voiceguide.cache import DEFAULT_LIMIT_MB, cache_usage
from voiceguide.errors import UnknownVoiceError
from voiceguide.routinefile.bundled import bundled_names
from voiceguide.speech import get_engine
from voiceguide.speech.voicing import VoiceRequest, resolve_voice


@dataclass(frozen=True)
class Row:
    engine: str
    routine: str
    voice: str
    speech_s: float  # of the fake engine's timeline: the same pace, so about the same length
    size_mb: float
    measured: bool


def speech_seconds(routine: str, folder: Path) -> float:
    """Seconds of speech in ``routine``'s distinct lines (the fake engine: no real speech)."""
    timeline = api.prepare(
        api.load(routine), api.SessionOptions(engine="fake", cache_dir=folder)
    ).timeline
    lengths = {event.line: event.duration_s for event in timeline.events}
    return sum(lengths.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="kokoro,piper,espeak", help="comma-separated")
    parser.add_argument(
        "--only", action="append", default=[], metavar="ENGINE=ROUTINE,...",
        help="measure only these routines with ENGINE; estimate its others",
    )  # fmt: skip
    arguments = parser.parse_args()
    engines = arguments.engines.split(",")
    only = {
        engine: set(names.split(","))
        for engine, names in (item.split("=", 1) for item in arguments.only)
    }
    rows: list[Row] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="voiceguide-cache-size-") as temporary:
        for name in bundled_names():
            speech_s = speech_seconds(name, Path(temporary) / f"fake-{name}")
            routine = api.load(name)
            for engine in engines:
                folder = Path(temporary) / f"{engine}-{name}"
                options = api.SessionOptions(engine=engine, cache_dir=folder)
                measured = engine not in only or name in only[engine]
                try:
                    chosen = get_engine(engine, folder)
                    voice = resolve_voice(chosen, VoiceRequest(), routine.language).name
                except UnknownVoiceError as error:
                    print(f"  {engine:<7} {name:<18} left out: {error}", flush=True)
                    continue
                size_mb = 0.0
                if measured:
                    api.prepare(routine, options)
                    size_mb = cache_usage(folder).size_bytes / 1e6
                rows.append(Row(engine, name, voice, speech_s, size_mb, measured))
                if measured:
                    print(
                        f"  {engine:<7} {name:<18} {voice:<16} {speech_s:6.0f} s of speech "
                        f"{size_mb:7.1f} MB  ({time.perf_counter() - started:.0f} s so far)",
                        flush=True,
                    )
    report(rows, time.perf_counter() - started)


def report(rows: list[Row], took_s: float) -> None:
    total_mb = 0.0
    estimated_mb = 0.0
    for engine in dict.fromkeys(row.engine for row in rows):
        mine = [row for row in rows if row.engine == engine]
        measured = [row for row in mine if row.measured]
        per_s = sum(r.size_mb for r in measured) / max(1e-9, sum(r.speech_s for r in measured))
        guessed = sum(per_s * row.speech_s for row in mine if not row.measured)
        size_mb = sum(row.size_mb for row in measured) + guessed
        total_mb += size_mb
        estimated_mb += guessed
        print(
            f"{engine}: {len(mine)} routines, {size_mb:.1f} MB "
            f"({1000 * per_s:.0f} KB a second of speech; {len(measured)} measured"
            + (f", {len(mine) - len(measured)} estimated: {guessed:.1f} MB)" if guessed else ")")
        )
    verdict = "within" if total_mb <= DEFAULT_LIMIT_MB else "OVER"
    print(
        f"total {total_mb:.1f} MB ({estimated_mb:.1f} MB of it estimated), {verdict} the default "
        f"{DEFAULT_LIMIT_MB} MB limit; made in {took_s:.0f} s, load average "
        f"{os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()

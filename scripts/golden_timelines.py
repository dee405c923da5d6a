"""Write the golden timelines that tests/test_golden_timelines.py compares: every bundled routine
at 140 wpm with eSpeak NG (whose clip lengths are the same on every machine), as ``voiceguide show``
prints it. Run after a change to the layout or a bundled routine, and review the diff:
    python scripts/golden_timelines.py
"""

from __future__ import annotations

from pathlib import Path

from voiceguide import api
from voiceguide.routinefile import bundled_names, load_bundled
from voiceguide.timeline import format_timeline

FOLDER = Path(__file__).parent.parent / "tests" / "data" / "timelines"
ENGINE, RATE_WPM = "espeak", 140


def golden_text(name: str) -> str:
    options = api.SessionOptions(engine=ENGINE, rate_wpm=RATE_WPM)
    return format_timeline(api.timeline(load_bundled(name), options)) + "\n"


def golden_path(name: str) -> Path:
    return FOLDER / f"{name}.{ENGINE}-{RATE_WPM}.txt"


def main() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    for name in bundled_names():
        golden_path(name).write_text(golden_text(name), encoding="utf-8")
        print(golden_path(name))


if __name__ == "__main__":
    main()

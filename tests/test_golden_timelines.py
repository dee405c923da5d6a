"""Each bundled routine's timeline at 140 wpm (eSpeak NG) is kept in ``tests/data/timelines/``, so a
change to the layout or to a routine shows up in review as a diff of start times. To accept a change:
``python scripts/golden_timelines.py``."""

from __future__ import annotations

import pytest

from tests.conftest import DATA
from voiceguide import api
from voiceguide.routinefile import bundled_names, load_bundled
from voiceguide.timeline import format_timeline

pytestmark = pytest.mark.real


@pytest.mark.parametrize("name", bundled_names())
def test_timeline_at_140_wpm_is_the_golden_one(name: str) -> None:
    golden = DATA / "timelines" / f"{name}.espeak-140.txt"
    options = api.SessionOptions(engine="espeak", rate_wpm=140)
    text = format_timeline(api.timeline(load_bundled(name), options)) + "\n"
    assert text == golden.read_text(encoding="utf-8"), (
        f"{name}'s layout changed: if that is meant, run python scripts/golden_timelines.py "
        "and review the diff"
    )


def test_every_bundled_routine_has_a_golden_timeline() -> None:
    kept = sorted(path.name.split(".")[0] for path in (DATA / "timelines").glob("*.txt"))
    assert kept == sorted(bundled_names())

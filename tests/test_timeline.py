from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import DATA
from tests.fakes import fake_clip_s
from voiceguide.errors import OptionError, RoutineError
from voiceguide.routine import Hand, load_bundled, load_routine, parse_routine
from voiceguide.timeline import (
    LEAD_IN_S,
    LEAD_OUT_S,
    PlanOptions,
    Timeline,
    format_timeline,
    plan,
    spoken_lines,
)

MINIMAL = DATA / "good" / "minimal.yaml"


def _plan(source: bytes | str, options: PlanOptions | None = None) -> Timeline:
    data = source.encode() if isinstance(source, str) else source
    routine = parse_routine(data, source="test.yaml", name="test")
    lengths = {line: fake_clip_s(line.text) for line in spoken_lines(routine)}
    return plan(routine, lengths, options or PlanOptions())


def test_golden_timeline() -> None:
    routine = load_routine(MINIMAL)
    timeline = plan(routine, {line: fake_clip_s(line.text) for line in spoken_lines(routine)})
    expected = MINIMAL.with_suffix(".timeline.txt").read_text(encoding="utf-8")
    assert format_timeline(timeline) + "\n" == expected


def test_spoken_lines_fill_hands_and_split_pauses() -> None:
    routine = load_routine(MINIMAL)
    assert tuple(line.text for line in spoken_lines(routine)) == (
        "Rest your hands.",
        "Breathe out.",
        "Circle your right palm with your left thumb.",
        "Slower.",
        "Now switch hands, and give the same care to your left hand.",
        "Circle your left palm with your right thumb.",
    )


def test_each_hand_gives_a_chapter_per_hand_and_the_written_length() -> None:
    routine = load_routine(MINIMAL)
    timeline = plan(routine, {line: fake_clip_s(line.text) for line in spoken_lines(routine)})
    assert [c.title for c in timeline.chapters] == [
        "Start",
        "Circles (right hand)",
        "Circles (left hand)",
    ]
    assert [c.hand for c in timeline.chapters] == [None, Hand.RIGHT, Hand.LEFT]
    assert timeline.total_s == pytest.approx(LEAD_IN_S + 12 + 2 * 10 + LEAD_OUT_S)
    right, left = timeline.chapters[1], timeline.chapters[2]
    assert right.end_s == left.start_s
    assert right.end_s - right.start_s == pytest.approx(10)
    prompts = [e for e in timeline.events if e.kind == "prompt"]
    assert [p.start_s - timeline.chapters[p.chapter].start_s for p in prompts] == pytest.approx(
        [8, 8]
    )
    switch = next(e for e in timeline.events if e.kind == "switch")
    assert switch.start_s == left.start_s


@pytest.mark.parametrize("minutes", [1.0, 2.0, 10.0])
def test_minutes_stretches_or_shrinks_the_silences(minutes: float) -> None:
    routine = load_routine(MINIMAL)
    lengths = {line: fake_clip_s(line.text) for line in spoken_lines(routine)}
    natural = plan(routine, lengths)
    fitted = plan(routine, lengths, PlanOptions(target_s=minutes * 60))
    assert fitted.total_s == pytest.approx(minutes * 60)
    assert [e.text for e in fitted.events] == [e.text for e in natural.events]
    assert fitted.speech_s == pytest.approx(natural.speech_s)


def test_too_few_minutes_names_the_minimum() -> None:
    routine = load_routine(MINIMAL)
    lengths = {line: fake_clip_s(line.text) for line in spoken_lines(routine)}
    with pytest.raises(
        OptionError, match=r"too short for this routine: its words alone need at least 0:2\d"
    ):
        plan(routine, lengths, PlanOptions(target_s=10))


def test_json_view_is_plain_data() -> None:
    data = _plan(MINIMAL.read_bytes()).as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["chapters"][1]["hand"] == "right"


def test_speech_longer_than_the_step_is_located() -> None:
    text = MINIMAL.read_text().replace("duration: 12s", "duration: 2s")
    with pytest.raises(RoutineError) as caught:
        _plan(text)
    assert str(caught.value).startswith(
        "test.yaml:11: steps[0].duration: the spoken text takes 2.4 s"
    )
    assert "(0.4 s too long)" in str(caught.value)


def test_left_round_counts_the_switch_line() -> None:
    text = MINIMAL.read_text().replace("at: 8s", "at: 4s")
    with pytest.raises(
        RoutineError,
        match=r"steps\[1\]\.prompts\[0\]\.at: the words before this prompt for the left hand",
    ):
        _plan(text)


# -- invariants, over random routines ----------------------------------------------------------
_words = st.text(alphabet="abcdefgh ", min_size=1, max_size=40).map(lambda s: s.strip() or "a")


@st.composite
def routines(draw: st.DrawFn) -> str:
    lines = ["title: R", "description: D", "audience: self", "language: en", "steps:"]
    for index in range(draw(st.integers(1, 6))):
        duration = draw(st.integers(20, 120))
        lines += [
            f"  - id: s{index}",
            "    title: S",
            f"    duration: {duration}s",
            f"    say: {draw(_words)}.",
        ]
        if draw(st.booleans()):
            lines.append("    each_hand: true")
        times = sorted(draw(st.sets(st.integers(8, duration - 4), max_size=3)))
        if times:
            lines.append("    prompts:")
            lines += [f"      - at: {at}s\n        say: {draw(_words)}." for at in times]
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None)
@given(routines(), st.one_of(st.none(), st.floats(5, 300)))
def test_timeline_invariants(source: str, minutes: float | None) -> None:
    try:
        timeline = _plan(source, PlanOptions(target_s=minutes * 60 if minutes else None))
    except (RoutineError, OptionError):
        return  # a routine whose words do not fit is refused with a located error (tested above)
    events = timeline.events
    assert all(a.start_s <= b.start_s for a, b in itertools.pairwise(events))
    assert all(a.end_s <= b.start_s + 1e-9 for a, b in itertools.pairwise(events))
    routine = parse_routine(source.encode(), source="t", name="t")
    assert len(timeline.chapters) == sum(len(step.hands) for step in routine.steps)
    assert all(c.start_s < c.end_s for c in timeline.chapters)
    assert events[-1].end_s <= timeline.fade_out_start_s <= timeline.total_s
    if minutes:
        assert timeline.total_s == pytest.approx(minutes * 60)


def test_bundled_default_is_fifteen_minutes_as_written() -> None:
    routine = load_bundled("bedtime-hands")
    assert 14 * 60 <= LEAD_IN_S + routine.steps_s + LEAD_OUT_S <= 16 * 60

from __future__ import annotations

import itertools
import json
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import DATA
from tests.fakes import fake_clip_s
from voiceguide.errors import OptionError
from voiceguide.routine import Hand, Routine
from voiceguide.routinefile import load_bundled, load_routine, parse_routine
from voiceguide.timeline import (
    LEAD_IN_S,
    LEAD_OUT_S,
    Line,
    PlanOptions,
    Timeline,
    format_timeline,
    plan,
    spoken_lines,
)
from voiceguide.timeline.layout import PROMPT_GAP_S, TAIL_S
from voiceguide.timetext import duration

MINIMAL = DATA / "good" / "minimal.yaml"


def _plan(source: bytes | str, target_s: float | None = None) -> Timeline:
    data = source.encode() if isinstance(source, str) else source
    routine = parse_routine(data, source="test.yaml", name="test")
    lengths = {line: fake_clip_s(line.text) for line in spoken_lines(routine)}
    return plan(routine, lengths, PlanOptions.of(routine, target_s=target_s))


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
    fitted = plan(routine, lengths, PlanOptions.of(routine, target_s=minutes * 60))
    assert fitted.total_s == pytest.approx(minutes * 60)
    assert [e.text for e in fitted.events] == [e.text for e in natural.events]
    assert fitted.speech_s == pytest.approx(natural.speech_s)


def test_too_few_minutes_names_the_shortest_length_and_what_fits() -> None:
    routine = load_routine(MINIMAL)
    lengths = {line: fake_clip_s(line.text) for line in spoken_lines(routine)}
    with pytest.raises(OptionError) as caught:
        plan(routine, lengths, PlanOptions.of(routine, target_s=10, rate_wpm=130))
    assert str(caught.value) == (
        "a 0:10 session is too short for this routine: it needs at least "
        f"{duration(math.ceil(shortest_length_s(routine, lengths)))} at 130 wpm; try --minutes 1"
    )


def shortest_length_s(routine: Routine, lengths: dict[Line, float]) -> float:
    """The shortest session that lays out, found by asking (bisection on whole tenths)."""
    low, high = 1, 10 * 3600
    while low < high:
        middle = (low + high) // 2
        try:
            plan(routine, lengths, PlanOptions.of(routine, target_s=middle / 10))
        except OptionError:
            low = middle + 1
        else:
            high = middle
    return low / 10


@pytest.mark.parametrize("rate_wpm", [100, 130])
def test_a_suggested_rate_fits(rate_wpm: int) -> None:
    """Just under the shortest length, the message names a faster rate; with every line shortened in
    proportion to that rate the session fits (the engines' rates are calibrated to be in proportion)."""
    routine = load_bundled("desk-break")
    lengths = {line: fake_clip_s(line.text) * 140 / rate_wpm for line in spoken_lines(routine)}
    target_s = shortest_length_s(routine, lengths) - 5
    with pytest.raises(OptionError) as caught:
        plan(routine, lengths, PlanOptions.of(routine, target_s=target_s, rate_wpm=rate_wpm))
    found = re.search(r"; try --minutes (\d+) or --rate (\d+)$", str(caught.value))
    assert found, str(caught.value)
    minutes, faster = int(found[1]), int(found[2])
    assert rate_wpm < faster <= 180
    plan(routine, lengths, PlanOptions.of(routine, target_s=minutes * 60, rate_wpm=rate_wpm))
    quicker = {line: length_s * rate_wpm / faster for line, length_s in lengths.items()}
    plan(routine, quicker, PlanOptions.of(routine, target_s=target_s, rate_wpm=faster))


def test_minutes_keeps_written_pauses_and_switch_gaps() -> None:
    routine = load_routine(MINIMAL)
    lengths = {line: fake_clip_s(line.text) for line in spoken_lines(routine)}
    natural = plan(routine, lengths)
    for minutes in (0.6, 3.0):
        fitted = plan(routine, lengths, PlanOptions.of(routine, target_s=minutes * 60))
        pause = fitted.events[1].start_s - fitted.events[0].end_s
        assert pause == pytest.approx(1.0)  # [pause 1s]
        switch = next(i for i, e in enumerate(fitted.events) if e.kind == "switch")
        gap = fitted.events[switch + 1].start_s - fitted.events[switch].end_s
        assert gap == pytest.approx(
            natural.events[switch + 1].start_s - natural.events[switch].end_s
        )


def test_a_prompt_at_a_time_moves_later_when_the_words_before_it_run_long() -> None:
    timeline = _plan(MINIMAL.read_text().replace("at: 8s", "at: 4s"))
    right, left = timeline.chapters[1], timeline.chapters[2]
    prompts = [e for e in timeline.events if e.kind == "prompt"]
    assert prompts[0].start_s == pytest.approx(right.start_s + 4)  # the words end at 2.2 s
    words_end_s = max(e.end_s for e in timeline.events if e.chapter == 2 and e.kind != "prompt")
    assert words_end_s > left.start_s + 4  # the switch line and the words take 6 s
    assert prompts[1].start_s == pytest.approx(words_end_s + PROMPT_GAP_S)
    assert left.end_s - left.start_s == pytest.approx(10)  # the tail shrank; the step did not grow


def test_a_prompt_after_a_gap_follows_the_words_before_it() -> None:
    timeline = _plan(MINIMAL.read_text().replace("at: 8s", "after: 2s"))
    for chapter in (1, 2):
        events = [e for e in timeline.events if e.chapter == chapter]
        assert events[-1].kind == "prompt"
        assert events[-1].start_s == pytest.approx(events[-2].end_s + 2)


def test_at_and_after_together_take_the_later() -> None:
    early = _plan(MINIMAL.read_text().replace("at: 8s", "at: 3s\n        after: 2s"))
    late = _plan(MINIMAL.read_text().replace("at: 8s", "at: 8s\n        after: 2s"))
    for timeline, right_s in ((early, 2.2 + 2), (late, 8.0)):
        prompt = next(e for e in timeline.events if e.kind == "prompt")
        assert prompt.start_s - timeline.chapters[1].start_s == pytest.approx(right_s)


def test_a_step_too_short_for_its_words_grows() -> None:
    timeline = _plan(MINIMAL.read_text().replace("duration: 12s", "duration: 2s"))
    first = timeline.chapters[0]
    words_end_s = max(e.end_s for e in timeline.events if e.chapter == 0)
    assert words_end_s - first.start_s == pytest.approx(2.4)  # 0.8 s, [pause 1s], 0.6 s
    assert first.end_s == pytest.approx(words_end_s + TAIL_S)
    assert timeline.total_s == pytest.approx(LEAD_IN_S + 2.4 + TAIL_S + 2 * 10 + LEAD_OUT_S)


def test_json_view_is_plain_data() -> None:
    data = _plan(MINIMAL.read_bytes()).as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["chapters"][1]["hand"] == "right"


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
        times = sorted(draw(st.sets(st.integers(1, duration - 1), max_size=3)))
        if times:
            lines.append("    prompts:")
        for at in times:
            place = draw(
                st.sampled_from([f"at: {at}s", f"after: {at % 9}s", f"at: {at}s, after: 1s"])
            )
            lines.append(f"      - {{{place}, say: {draw(_words)}.}}")
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None)
@given(routines(), st.one_of(st.none(), st.floats(5, 300)))
def test_timeline_invariants(source: str, minutes: float | None) -> None:
    try:
        timeline = _plan(source, minutes * 60 if minutes else None)
    except OptionError as error:
        assert minutes is not None and "too short for this routine" in str(error)
        return
    events = timeline.events
    assert all(a.start_s <= b.start_s for a, b in itertools.pairwise(events))
    assert all(a.end_s <= b.start_s + 1e-9 for a, b in itertools.pairwise(events))
    routine = parse_routine(source.encode(), source="t", name="t")
    assert len(timeline.chapters) == sum(len(step.hands) for step in routine.steps)
    assert all(c.start_s < c.end_s for c in timeline.chapters)
    assert events[-1].end_s <= timeline.fade_out_start_s <= timeline.total_s
    for event in events:  # every line inside its step
        chapter = timeline.chapters[event.chapter]
        assert chapter.start_s - 1e-9 <= event.start_s
        assert event.end_s <= chapter.end_s + 1e-9
    if minutes:
        assert timeline.total_s == pytest.approx(minutes * 60)
        return
    for step_index, step in enumerate(routine.steps):  # a prompt never comes before its 'at'
        for chapter in (c for c in timeline.chapters if c.step_index == step_index):
            prompts = [e for e in events if e.chapter == chapter.index and e.kind == "prompt"]
            for prompt, event in zip(step.prompts, prompts, strict=True):
                if prompt.at_s is not None:
                    assert event.start_s - chapter.start_s >= prompt.at_s - 1e-9
            assert chapter.end_s - chapter.start_s >= step.duration_s - 1e-9


def test_bundled_default_is_fifteen_minutes_as_written() -> None:
    routine = load_bundled("bedtime-hands")
    assert 14 * 60 <= LEAD_IN_S + routine.steps_s + LEAD_OUT_S <= 16 * 60

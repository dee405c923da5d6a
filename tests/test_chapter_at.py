"""Which chapter a time is in: one rule (``Timeline.chapter_at``, and the transport's frames),
checked at its edges and against where the timeline placed every line and hold."""

from __future__ import annotations

import pytest

from tests.conftest import DATA
from voiceguide.player.transport import Layout
from voiceguide.routinefile import load_bundled, load_routine
from voiceguide.timeline import Chapter, Timeline, plan, spoken_lines
from voiceguide.timeline.model import BOUNDARY_S, last_at_or_before


def _timeline(starts: list[float], total_s: float) -> Timeline:
    ends = [*starts[1:], total_s - 6]
    chapters = tuple(
        Chapter(index, start_s, end_s, f"step {index}", f"s{index}", index, None)
        for index, (start_s, end_s) in enumerate(zip(starts, ends, strict=True))
    )
    return Timeline("t", (), (), chapters, total_s, total_s - 6, 3.0, total_s - 6)


TIMELINE = _timeline([3.0, 10.0, 25.5], 40.0)


@pytest.mark.parametrize(
    ("t_s", "index"),
    [
        (-1.0, 0), (0.0, 0), (2.999, 0),  # before the first chapter (the lead-in): the first
        (3.0, 0), (9.999999, 0),
        (10.0, 1),  # exactly at a boundary: the chapter that starts there
        (10.0 - BOUNDARY_S / 2, 1),  # a float sum's hair before it: still that one
        (10.0 - 1e-6, 0),  # a microsecond before: the one before
        (25.5, 2), (34.0, 2), (40.0, 2), (1000.0, 2),  # after the last step and the end: the last
    ],
)  # fmt: skip
def test_chapter_at_its_edges(t_s: float, index: int) -> None:
    assert TIMELINE.chapter_at(t_s) == index


def test_no_chapters_is_zero() -> None:
    empty = Timeline("t", (), (), (), 10.0, 4.0, 3.0, 4.0)
    assert empty.chapter_at(5.0) == 0
    assert empty.chapter_frames(1000) == ()
    assert last_at_or_before([], 5) == 0


def test_frames_follow_the_same_rule() -> None:
    """The transport's view: each start rounded to its nearest frame, which is that step's own."""
    rate = 1000
    assert TIMELINE.chapter_frames(rate) == (3000, 10_000, 25_500)
    layout = Layout.of(TIMELINE, rate, 40_000)
    assert layout.chapter_starts == TIMELINE.chapter_frames(rate)
    for frame in (0, 2999, 3000, 9999, 10_000, 25_499, 25_500, 39_999, 40_000):
        assert layout.chapter_at(frame) == TIMELINE.chapter_at(frame / rate), frame
    odd = _timeline([3.0, 10.0004], 20.0)  # a start between two frames: the nearer one is its
    assert Layout.of(odd, rate, 20_000).chapter_at(10_000) == 1


@pytest.mark.parametrize("name", ["partner-hands", "bedtime-hands", "desk-break"])
def test_every_line_cue_and_hold_is_in_the_chapter_it_was_placed_in(name: str) -> None:
    routine = load_bundled(name)
    timeline = plan(routine, {line: 1.0 + len(line.text) / 15 for line in spoken_lines(routine)})
    assert len(timeline.chapters) > 2
    for event in timeline.events:
        assert timeline.chapter_at(event.start_s) == event.chapter, event
    for hold in timeline.holds:
        assert timeline.chapter_at(hold.start_s) == hold.chapter, hold
    for chapter in timeline.chapters:
        assert timeline.chapter_at(chapter.start_s) == chapter.index
        assert timeline.chapter_at(chapter.end_s) == min(
            chapter.index + 1, len(timeline.chapters) - 1
        )


def test_a_hand_round_starts_its_own_chapter() -> None:
    routine = load_routine(DATA / "good" / "minimal.yaml")
    timeline = plan(routine, {line: 1.0 for line in spoken_lines(routine)})
    left = timeline.chapters[2]
    switch = next(event for event in timeline.events if event.kind == "switch")
    assert switch.start_s == left.start_s
    assert timeline.chapter_at(switch.start_s) == 2

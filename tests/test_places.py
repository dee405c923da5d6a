"""Where a routine stopped, kept for ``play --resume``, and where ``--from STEP`` begins: pure
functions of the timeline, and the state file (atomic, its own folder, unreadable = empty)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from voiceguide import api
from voiceguide.errors import OptionError
from voiceguide.player.places import (
    Place,
    load_place,
    place_in,
    routine_key,
    save_place,
    state_dir,
    step_named,
    step_start_s,
    where_to_start,
)
from voiceguide.routine import Routine
from voiceguide.timeline import Timeline

OPTIONS = api.SessionOptions(engine="fake", minutes=4)


@pytest.fixture(scope="module")
def desk() -> tuple[Routine, Timeline]:
    routine = api.load("desk-break")
    return routine, api.timeline(routine, OPTIONS)


def test_a_place_is_the_start_of_the_line_spoken_then(desk: tuple[Routine, Timeline]) -> None:
    _, timeline = desk
    event = timeline.events[5]
    middle_s = event.start_s + event.duration_s / 2
    place = place_in(timeline, middle_s)
    assert place is not None
    chapter = timeline.chapters[event.chapter]
    assert (place.step_id, place.chapter, place.title) == (
        chapter.step_id, chapter.index, chapter.title,
    )  # fmt: skip
    assert place.at_s == event.start_s
    assert place.start_s(timeline) == pytest.approx(event.start_s)
    gap_s = event.end_s + 0.5  # between lines: exactly there
    at_gap = place_in(timeline, gap_s)
    assert at_gap is not None and at_gap.start_s(timeline) == pytest.approx(gap_s)


def test_nothing_to_go_on_from_before_the_first_step_or_after_the_last(
    desk: tuple[Routine, Timeline],
) -> None:
    _, timeline = desk
    assert place_in(timeline, 0.5) is None
    assert place_in(timeline, timeline.steps_end_s + 0.1) is None


def test_a_place_in_a_session_of_another_length_stays_in_its_step(
    desk: tuple[Routine, Timeline],
) -> None:
    routine, timeline = desk
    place = place_in(timeline, timeline.chapters[3].start_s + 4.0)
    assert place is not None
    shorter = api.timeline(routine, api.SessionOptions(engine="fake"))
    chapter = shorter.chapters[3]
    assert chapter.start_s <= place.start_s(shorter) <= chapter.end_s


def test_from_takes_a_step_id_or_number_and_refuses_others(desk: tuple[Routine, Timeline]) -> None:
    routine, timeline = desk
    assert step_named(routine, "3") == step_named(routine, "finger-pulls") == "finger-pulls"
    assert step_start_s(timeline, "finger-pulls") == next(
        c.start_s for c in timeline.chapters if c.step_id == "finger-pulls"
    )
    for wrong in ("0", "99", "fingers"):
        with pytest.raises(
            OptionError, match=f"--from: expected a step of Desk break .*got '{wrong}'"
        ):
            step_named(routine, wrong)
    with pytest.raises(OptionError, match="--resume or --from, not both"):
        where_to_start(routine, "desk-break", resume=True, from_step="2")


def test_places_are_kept_per_routine_and_forgotten_when_finished(tmp_path: Path) -> None:
    assert os.environ["VOICEGUIDE_STATE_DIR"] and state_dir() != tmp_path  # never the user's own
    place = Place("knuckles", 3, 7.2, "Knuckles", 90.0)
    save_place("desk-break", place)
    save_place(str(tmp_path / "mine.yaml"), Place("a", 0, 1.0, "A", 4.0))
    assert load_place("desk-break") == place
    routine = api.load("desk-break")
    start, said = where_to_start(routine, "desk-break", resume=False, from_step=None)
    assert (
        start is None and said == "stopped last time in Knuckles: add --resume to go on from there"
    )
    start, said = where_to_start(routine, "desk-break", resume=True, from_step=None)
    assert start is not None and said == "going on in Knuckles, 0:07 in"
    save_place("desk-break", None)
    assert load_place("desk-break") is None
    assert load_place(str(tmp_path / "mine.yaml")) == Place("a", 0, 1.0, "A", 4.0)
    assert where_to_start(routine, "desk-break", resume=True, from_step=None) == (
        None, "nothing to go on from: playing from the start",
    )  # fmt: skip


def test_a_broken_or_strange_state_file_is_an_empty_one() -> None:
    folder = state_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for text in ("{not json", "[1, 2]", json.dumps({"desk-break": {"step_id": "x"}})):
        (folder / "places.json").write_text(text, encoding="utf-8")
        assert load_place("desk-break") is None
    (folder / "places.json").unlink()
    os.mkfifo(folder / "places.json")  # would never answer: not read at all
    assert load_place("desk-break") is None
    (folder / "places.json").unlink()
    save_place("desk-break", Place("knuckles", 3, 7.2, "Knuckles", 90.0))
    assert [p.name for p in folder.iterdir()] == ["places.json"]  # no temporary file left


def test_a_routine_file_is_known_by_its_full_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mine.yaml").write_text("x", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert routine_key("mine.yaml") == str(tmp_path / "mine.yaml")
    assert routine_key("desk-break") == "desk-break"

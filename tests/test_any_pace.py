"""Every bundled routine at every pace from 100 to 180 wpm: lines never overlap, every line stays
inside its step, a step only ever grows, and ``--minutes`` lays out anywhere from the shortest length
at that rate to three times the written length.

The whole matrix runs on the fake engine, which speaks at the pace asked for (the laying out is the
same code whatever made the clips); a few cells run with each real engine, whose clips are what the
fake stands in for. The exhaustive real matrix (every routine, rate and engine: tens of minutes of
synthesis) carries the ``sweep`` marker and runs with ``pytest --sweep``."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
import soundfile

from tests.conftest import FAKE, run_cli
from voiceguide import api
from voiceguide.errors import OptionError
from voiceguide.routine import Routine
from voiceguide.routine.model import Pause
from voiceguide.routine.text import split_segments
from voiceguide.routinefile import bundled_names, load_bundled
from voiceguide.timeline import LEAD_IN_S, LEAD_OUT_S, Line, PlanOptions, Timeline, plan

RATES = (100, 120, 140, 160, 180)
NAMES = tuple(bundled_names())
REAL_ENGINES = ("piper", "espeak")
# The real cells run every time: both ends of the pace range, each engine, and a language other
# than English for eSpeak NG (Piper has no voice for it). Piper's cells speak what
# test_speech_rate.py speaks (desk-break at 100 and 180 wpm) and run on the same xdist worker
# (the group below): one cold speak serves both.
SPOT_CHECKS = frozenset({
    ("piper", 100, "desk-break"),
    ("piper", 180, "desk-break"),
    ("espeak", 100, "bedtime-hands-es"),
    ("espeak", 180, "desk-break"),
})  # fmt: skip


def _cases(rates: tuple[int, ...]) -> list[object]:
    """Every (engine, rate, routine): the fake engine's cells always, the real spot checks always,
    the rest of the real matrix only in the sweep."""
    cases: list[object] = []
    for engine in (FAKE, *REAL_ENGINES):
        for rate_wpm in rates:
            for name in NAMES:
                marks: list[pytest.MarkDecorator] = []
                if engine != FAKE:
                    marks.append(pytest.mark.real)
                    if (engine, rate_wpm, name) not in SPOT_CHECKS:
                        marks.append(pytest.mark.sweep)
                    marks.append(pytest.mark.xdist_group(f"{engine}:{name}"))
                cases.append(pytest.param(engine, rate_wpm, name, marks=marks))
    return cases


_LENGTHS: dict[tuple[str, int, str], dict[Line, float]] = {}


def _timeline(name: str, engine: str, rate_wpm: int, minutes: float | None = None) -> Timeline:
    """Laid out from the real engine's clip lengths, measured once per engine, rate and routine
    (each line spoken once, through the session's shared cache) and then planned as often as asked."""
    routine = load_bundled(name)
    if engine == "piper":
        from voiceguide.speech.piper_voices import best_for_language, installed_voices

        if best_for_language(installed_voices(), routine.language) is None:
            pytest.skip(
                f"no Piper voice for '{routine.language}' is installed (eSpeak NG speaks it)"
            )
    key = (engine, rate_wpm, name)
    if key not in _LENGTHS:
        options = api.SessionOptions(engine=engine, rate_wpm=rate_wpm)
        _LENGTHS[key] = api.clip_lengths(routine, options)
    target_s = minutes * 60 if minutes is not None else None
    return plan(
        routine, _LENGTHS[key], PlanOptions.of(routine, target_s=target_s, rate_wpm=rate_wpm)
    )


def assert_lays_out(routine: Routine, timeline: Timeline) -> None:
    events = timeline.events
    assert all(a.end_s <= b.start_s + 1e-9 for a, b in itertools.pairwise(events)), "overlap"
    for event in events:
        chapter = timeline.chapters[event.chapter]
        assert chapter.start_s - 1e-9 <= event.start_s < event.end_s <= chapter.end_s + 1e-9, event
    assert all(a.end_s == b.start_s for a, b in itertools.pairwise(timeline.chapters))
    assert len(timeline.chapters) == sum(len(step.hands) for step in routine.steps)


@pytest.mark.parametrize(("engine", "rate_wpm", "name"), _cases(RATES))
def test_every_routine_lays_out_at_every_pace(engine: str, rate_wpm: int, name: str) -> None:
    routine = load_bundled(name)
    timeline = _timeline(name, engine, rate_wpm)
    assert_lays_out(routine, timeline)
    for chapter in timeline.chapters:  # a step only grows, and only as far as its words need
        step = routine.steps[chapter.step_index]
        length_s = chapter.end_s - chapter.start_s
        assert length_s >= step.duration_s - 1e-9
        if length_s > step.duration_s + 1e-9 and not (step.breathe or step.hold_s):
            last_s = max(e.end_s for e in timeline.events if e.chapter == chapter.index)
            assert chapter.end_s - last_s == pytest.approx(1.0)  # the tail at its floor
    for event, after in itertools.pairwise(timeline.events):  # written pauses stay as written
        pauses = _pause_after(routine, event.text)
        if pauses is not None and after.chapter == event.chapter and after.kind == event.kind:
            assert after.start_s - event.end_s == pytest.approx(pauses)
    written_s = LEAD_IN_S + routine.steps_s + LEAD_OUT_S
    assert timeline.total_s >= written_s - 1e-6


def _pause_after(routine: Routine, text: str) -> float | None:
    """The written ``[pause Ns]`` right after the words ``text`` inside one line, if there is one."""
    for step in routine.steps:
        for written in (step.text, *(prompt.text for prompt in step.prompts)):
            for hand in step.hands:
                segments = split_segments(written, hand)
                for segment, following in itertools.pairwise(segments):
                    if getattr(segment, "text", None) == text and isinstance(following, Pause):
                        return following.duration_s
    return None


def _shortest_minutes(name: str, engine: str, rate_wpm: int) -> float:
    """The shortest length, as the one-line message says it (m:ss, rounded up to the second)."""
    with pytest.raises(OptionError) as caught:
        _timeline(name, engine, rate_wpm, minutes=0.1)
    found = re.search(
        rf"it needs at least (\d+):(\d\d) at {rate_wpm} wpm; try --minutes (\d+)", str(caught.value)
    )
    assert found, str(caught.value)
    assert int(found[3]) * 60 >= int(found[1]) * 60 + int(found[2])
    return (int(found[1]) * 60 + int(found[2])) / 60


@pytest.mark.parametrize(("engine", "rate_wpm", "name"), _cases((100, 180)))
def test_minutes_from_the_shortest_to_three_times_the_written(
    engine: str, rate_wpm: int, name: str
) -> None:
    routine = load_bundled(name)
    shortest = _shortest_minutes(name, engine, rate_wpm)
    longest = 3 * (LEAD_IN_S + routine.steps_s + LEAD_OUT_S) / 60
    for minutes in (shortest, (shortest * longest) ** 0.5, longest):
        timeline = _timeline(name, engine, rate_wpm, minutes=minutes)
        assert timeline.total_s == pytest.approx(minutes * 60)
        assert_lays_out(routine, timeline)
    with pytest.raises(OptionError):
        _timeline(name, engine, rate_wpm, minutes=shortest - 2 / 60)


@pytest.mark.real
def test_the_planner_lays_out_as_the_session_does() -> None:
    """The pure planner over measured lengths is the session's own timeline (so the matrix above
    tests what plays)."""
    assert api.timeline(
        load_bundled("desk-break"), api.SessionOptions(engine="espeak", rate_wpm=100)
    ) == _timeline("desk-break", "espeak", 100)


@pytest.mark.real
def test_the_readme_example_exports_at_a_slow_rate(tmp_path: Path) -> None:
    """``voiceguide export desk-break --rate 130`` used to fail: a prompt could not start at 36 s."""
    out = tmp_path / "desk.wav"
    result = run_cli("export", "desk-break", "--engine", "espeak", "--rate", "130", "-o", str(out))
    assert result.exit_code == 0, result
    assert soundfile.info(str(out)).duration >= 5 * 60


@pytest.mark.real
def test_what_cannot_fit_says_what_would_in_one_line(tmp_path: Path) -> None:
    result = run_cli(
        "export", "bedtime-hands", "--engine", "espeak", "--rate", "130", "--minutes", "2",
        "-o", str(tmp_path / "bed.wav"),
    )  # fmt: skip
    assert result.exit_code == 2, result
    line = result.said.strip()
    assert "\n" not in line and "Traceback" not in line
    found = re.fullmatch(
        r"error: a 2:00 session is too short for this routine: it needs at least (\d+):(\d\d) at "
        r"130 wpm; try --minutes (\d+)",
        line,
    )
    assert found, line
    assert ".yaml" not in line  # never advises editing the routine file
    minutes = int(found[3])
    assert (
        run_cli(
            "show",
            "bedtime-hands",
            "--engine",
            "espeak",
            "--rate",
            "130",
            "--minutes",
            str(minutes),
        ).exit_code
        == 0
    )
    assert list(tmp_path.iterdir()) == []

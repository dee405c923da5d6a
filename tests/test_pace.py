"""Progress that moves with the work: the time left measured from the work done so far, one line
a step where stderr is not a terminal, and a cold export that says so line by line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import run_cli
from voiceguide.pace import Lines, Pace


class Clock:
    def __init__(self) -> None:
        self.now_s = 100.0

    def __call__(self) -> float:
        return self.now_s


def test_the_time_left_is_measured_from_the_work_done_since_the_stage_began() -> None:
    clock = Clock()
    pace = Pace(clock)
    pace.update("speaking", 10, 66)  # ten were cached: they took no time, they are not the pace
    assert pace.text() == "speaking 10 of 66 lines"  # nothing measured yet: no guess
    clock.now_s += 4.0
    pace.update("speaking", 12, 66)  # two lines in 4 s: 54 more take 108 s
    assert pace.left_s() == pytest.approx(108.0)
    assert pace.text() == "speaking 12 of 66 lines, about 1:48 left"
    clock.now_s += 2.0
    pace.update("speaking", 66, 66)
    assert pace.text() == "speaking 66 of 66 lines"
    pace.update("rendering", 0, 1000)  # a new stage starts its own measure
    clock.now_s += 1.0
    pace.update("rendering", 250, 1000)
    assert pace.text() == "rendering 25%, about 0:03 left"


def test_lines_say_nothing_for_quick_work_then_at_most_one_a_second() -> None:
    clock = Clock()
    said: list[str] = []
    lines = Lines(said.append, "preparing X: ", clock=clock)
    lines("speaking", 0, 10)
    clock.now_s += 0.5
    lines("speaking", 1, 10)
    assert said == []  # quick work says nothing
    clock.now_s += 0.6
    lines("speaking", 2, 10)
    clock.now_s += 0.3
    lines("speaking", 3, 10)  # within a second of the last line: not said
    clock.now_s += 0.8
    lines("speaking", 3, 10)  # a second since the last line: said
    lines("speaking", 3, 10)  # nothing new: not said again
    lines("speaking", 4, 10)  # within a second of the last line: not said
    lines("speaking", 10, 10)  # the last of a stage always
    assert said == [
        "preparing X: speaking 2 of 10 lines, about 0:04 left",
        "preparing X: speaking 3 of 10 lines, about 0:05 left",
        "preparing X: speaking 10 of 10 lines",
    ]


TEN_LINES = "title: Ten\ndescription: D\naudience: self\nlanguage: en\nsteps:\n" + "".join(
    f"  - {{id: s{n}, duration: 8s, say: Step {n} begins now., "
    f"prompts: [{{at: 4s, say: Still step {n}.}}]}}\n"
    for n in range(5)
)


def test_a_cold_export_says_each_step_on_a_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOICEGUIDE_CACHE_DIR", str(tmp_path / "cold"))
    monkeypatch.setenv("VOICEGUIDE_FAKE_SLOW_S", "0.25")  # ten lines: 2.5 s, as an engine takes
    routine = tmp_path / "ten.yaml"
    routine.write_text(TEN_LINES, encoding="utf-8")
    result = run_cli("export", str(routine), "--engine", "fake", "-o", str(tmp_path / "t.flac"))
    assert result.exit_code == 0, result
    counts = [int(n) for n in re.findall(r"^speaking (\d+) of 10 lines", result.stderr, re.M)]
    assert len(counts) >= 2 and counts == sorted(counts) and counts[-1] == 10, result.stderr
    assert counts[0] < 8  # it moved while the lines were spoken, not only at the end
    assert re.search(r"^speaking \d+ of 10 lines, about 0:0\d left$", result.stderr, re.M)

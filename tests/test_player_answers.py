"""A player that answers: ``?`` shows the keys, a key that does nothing says so, every command
heard is shown ("heard: next") and confirmed by ear, one that is not allowed now says why, one
clock for the status line, the closing line and the prompter, "waiting" at a hold instead of a
frozen countdown, and keys for the soundscape's own level. The controller fed in code, and the
real CLI on a pseudo-terminal (the fake engine: quick)."""

from __future__ import annotations

import dataclasses
import re
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.fakes import tone_mix
from tests.terminal import Terminal
from voiceguide.player.controller import Controller, State
from voiceguide.player.display import Prompter
from voiceguide.player.feedback import HELP
from voiceguide.render import Mix
from voiceguide.render.mix import MixRenderer
from voiceguide.routinefile import parse_routine
from voiceguide.sound.beds import Bed
from voiceguide.timetext import duration

RATE = 44100
PULL = 441
ROUTINE = b"""
title: Answers
steps:
  - id: one
    title: One
    duration: 8s
    say: First step words.
  - id: two
    title: Two
    duration: 8s
    say: Second step.
    hold: 5s
    prompts:
      - at: 6.5s
        say: After the hold.
"""


def _mix(bed: bool = False) -> Mix:
    mix = tone_mix(parse_routine(ROUTINE, source="a.yaml", name="a"), RATE)
    if not bed:
        return mix
    noise = np.random.default_rng(3).standard_normal((RATE, 2)).astype(np.float32) * 0.1
    return dataclasses.replace(mix, bed=Bed("noise", noise, -20.0, "test"), bed_gain=1.0)


def _run(controller: Controller, seconds: float) -> np.ndarray:
    return np.concatenate([controller.pull(PULL) for _ in range(round(seconds * RATE / PULL))])


def test_help_and_unknown_keys_answer() -> None:
    controller = Controller(MixRenderer(_mix()), _mix().timeline)
    assert controller.handle("?") == "help"
    assert controller.handle("x") is None
    assert controller.take_messages() == [HELP, "'x' is not a key here; ? shows the keys"]
    assert controller.take_messages() == []
    assert "]" in HELP and "[" in HELP and "?" in HELP


def test_every_command_heard_is_shown_and_heard() -> None:
    mix = _mix()
    controller = Controller(MixRenderer(mix), mix.timeline)
    _run(controller, 0.5)
    position = controller.position
    controller.perform("back", heard=True)  # at the first step: not allowed, and said so
    assert controller.take_messages() == ["heard: back (already at the first step)"]
    limit = _run(controller, 0.3)
    assert controller.position >= position and np.abs(limit).max() > 0  # the "nothing" tone
    controller.perform("next", heard=True)
    assert controller.take_messages() == ["heard: next"]
    controller.perform("pause", heard=True)
    _run(controller, 0.2)
    controller.perform("pause", heard=True)
    assert controller.take_messages() == ["heard: pause", "heard: pause (already paused)"]
    controller.handle("right")  # a key that acts is not echoed: the screen shows where it went
    assert controller.take_messages() == []


def test_soundscape_keys_change_its_own_level_gliding() -> None:
    mix = _mix(bed=True)
    controller = Controller(MixRenderer(mix), mix.timeline)
    controller.perform("pause")
    _run(controller, 0.2)  # paused: silence
    renderer = controller.renderer
    before = renderer.bed_only(0, RATE // 2)
    for _ in range(2):
        controller.handle("[")
    assert renderer.bed_db == -6.0 and controller.status().soundscape_db == -6.0
    after = renderer.bed_only(0, RATE // 2)
    tail = slice(RATE // 4, None)  # after the glide
    ratio_db = 20 * np.log10(np.std(after[tail]) / np.std(before[tail]))
    assert ratio_db == pytest.approx(-6.0, abs=0.1)
    assert float(np.max(np.abs(np.diff(after[:, 0] / np.maximum(np.abs(before[:, 0]), 1e-3))))) < 50
    assert "soundscape -6 dB" in controller.status().line()
    plain = Controller(MixRenderer(_mix()), _mix().timeline)
    plain.perform("soundscape-louder", heard=True)
    assert plain.take_messages() == ["heard: soundscape louder (this session has no soundscape)"]


def test_one_clock_and_waiting_at_a_hold() -> None:
    mix = _mix()
    controller = Controller(MixRenderer(mix), mix.timeline)
    prompter = Prompter(sys.stderr, mix.timeline)
    second = mix.timeline.chapters[1]
    while controller.state is not State.HOLDING:
        _run(controller, 0.5)
    status = controller.status()
    clock = status.clock()
    in_step = status.position_s - second.start_s
    total_s = mix.timeline.total_s
    assert (
        clock
        == f"{duration(in_step)} in step, {duration(status.position_s)} of {duration(total_s)}"
    )
    assert clock in status.line()
    rows = [row for row, _ in prompter.lines(status, 80, 24)]
    assert rows[0].endswith(clock)
    assert any(row.startswith("next, when you go on: After the hold") for row in rows), rows
    assert not any("next in" in row for row in rows)
    _run(controller, 2.0)  # still waiting: the same screen, never a countdown frozen on a time
    assert controller.status().clock() == clock


def _clocks(screen: str) -> list[str]:
    return re.findall(r"\d+:\d\d in step, \d+:\d\d of \d+:\d\d", screen)


def test_on_a_terminal_the_keys_answer_and_the_closing_line_keeps_the_clock(tmp_path: Path) -> None:
    routine = tmp_path / "answers.yaml"
    routine.write_bytes(ROUTINE)
    terminal = Terminal("play", str(routine), "--engine", "fake", "--backend", "null")
    try:
        terminal.read_until("? all keys")
        terminal.read_until(" in step, ")
        terminal.send("?")
        terminal.read_until("? these keys")
        terminal.send("x")
        terminal.read_until("'x' is not a key here")
        terminal.send("\x1b[D")  # left, at the first step
        terminal.read_until("back (already at the first step)")
        terminal.read_until("0:01 in step")  # past the opening: the step's clock and the session's
        terminal.send(" ")  # pause: the clock stands still
        terminal.read_until("|| One")
        terminal.send("q")
        assert terminal.wait() == 0
    finally:
        terminal.close()
    closing = terminal.screen.split("stopped at ")[-1]
    shown = _clocks(terminal.screen.split("stopped at ")[0])
    assert closing.startswith("One, ") and _clocks(closing) == shown[-1:], terminal.screen[-600:]

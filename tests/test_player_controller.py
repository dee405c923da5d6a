"""The controller, driven by keys fed in code: every control, at the edges, never a click."""

from __future__ import annotations

import dataclasses
from concurrent.futures import Future

import numpy as np
import pytest

from tests.fakes import tone_mix
from voiceguide.player.controller import (
    BACK_GRACE_S,
    TRIM_GLIDE_S,
    VOLUME_RANGE_DB,
    Controller,
    State,
    Upgrade,
)
from voiceguide.render import Mix, render_blocks
from voiceguide.render.mix import MixRenderer
from voiceguide.routinefile import parse_routine

RATE = 44100
PULL = 441  # 10 ms per pull: controls act between pulls

ROUTINE = b"""
title: T
description: D
audience: self
language: en
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
  - id: three
    title: Three
    duration: 8s
    say: Third step words.
"""


def _mix() -> Mix:
    return tone_mix(parse_routine(ROUTINE, source="t.yaml", name="t"), RATE)


@pytest.fixture
def mix() -> Mix:
    return _mix()


def _controller(mix: Mix) -> Controller:
    return Controller(MixRenderer(mix), mix.timeline)


def _run(controller: Controller, seconds: float) -> np.ndarray:
    pulls = [controller.pull(PULL) for _ in range(round(seconds * RATE / PULL))]
    return np.concatenate(pulls) if pulls else np.zeros((0, 2), np.float32)


def _at(controller: Controller, seconds: float) -> np.ndarray:
    """Play until the position reaches ``seconds``."""
    return _run(controller, seconds - controller.position / RATE)


def _no_clicks(audio: np.ndarray) -> None:
    """No step between samples larger than the steepest the sounds themselves make: the fake voice
    (a 220 Hz tone at 0.5) plus a confirming tone (784 Hz at 0.05) on top of it."""
    steepest = 2 * np.pi * (220 * 0.5 + 784 * 0.05) / RATE
    assert float(np.max(np.abs(np.diff(audio[:, 0])), initial=0)) <= steepest * 1.2


def test_untouched_it_plays_exactly_the_render_and_then_finishes(mix: Mix) -> None:
    controller = _controller(mix)
    hold = mix.timeline.holds[0]
    played = _at(controller, hold.start_s + 0.05)
    assert controller.state is State.HOLDING
    expected = np.concatenate(list(render_blocks(mix)))
    until_hold = round(hold.start_s * RATE)
    assert np.array_equal(played[:until_hold], expected[:until_hold])
    controller.handle("space")
    rest = _run(controller, mix.timeline.total_s)
    assert controller.finished
    assert np.allclose(
        rest[PULL : PULL * 10],
        expected[round(hold.end_s * RATE) + PULL : round(hold.end_s * RATE) + PULL * 10],
    )


def test_pause_fades_out_and_confirms_and_resume_goes_on_from_there(mix: Mix) -> None:
    controller = _controller(mix)
    _at(controller, 3.2)  # in the middle of the first words
    controller.handle("space")
    assert controller.state is State.PAUSED
    paused_at = controller.position
    audio = _run(controller, 1.0)
    assert controller.position - paused_at <= round(0.03 * RATE)  # a 30 ms fade, then it stops
    assert float(np.max(np.abs(audio[round(0.25 * RATE) :]))) == 0.0  # silence after the tone
    tone = audio[round(0.04 * RATE) : round(0.2 * RATE), 0]
    assert 0.01 < float(np.max(np.abs(tone))) <= 0.06  # the soft confirming notes
    frozen = controller.position
    controller.handle("space")
    assert controller.status().state is State.PLAYING
    resumed = _run(controller, 0.5)
    assert controller.position == frozen + len(resumed)
    _no_clicks(np.concatenate([audio, resumed]) - 0)  # the tones are smooth too


def test_next_back_and_repeat_at_step_edges(mix: Mix) -> None:
    starts = [round(chapter.start_s * RATE) for chapter in mix.timeline.chapters]
    controller = _controller(mix)
    controller.handle("n")  # before the first step: to the first step
    _run(controller, 0.1)
    assert abs(controller.position - starts[0] - round(0.1 * RATE)) <= PULL
    controller.handle("right")
    controller.pull(PULL)
    assert starts[1] <= controller.position <= starts[1] + PULL
    controller.handle("p")  # just after a step's start: back to the previous step
    controller.pull(PULL)
    assert starts[0] <= controller.position <= starts[0] + PULL
    _run(controller, BACK_GRACE_S + 1)
    controller.handle("left")  # well into a step: back to its start
    controller.pull(PULL)
    assert starts[0] <= controller.position <= starts[0] + PULL
    _run(controller, 2)
    controller.handle("r")
    controller.pull(PULL)
    assert starts[0] <= controller.position <= starts[0] + PULL
    for _ in range(5):  # past the last step: to the end, and finished
        controller.handle("n")
        controller.pull(PULL)
    _run(controller, 8)
    assert controller.finished


def test_jumps_cross_fade_without_clicks(mix: Mix) -> None:
    controller = _controller(mix)
    audio = [_at(controller, 3.3)]
    controller.handle("n")
    audio.append(_run(controller, 0.5))
    controller.handle("p")
    audio.append(_run(controller, 0.5))
    _no_clicks(np.concatenate(audio))


def test_volume_steps_and_limits(mix: Mix) -> None:
    controller = _controller(mix)
    for _ in range(20):
        controller.handle("down")
    assert controller.volume_db == VOLUME_RANGE_DB[0]
    for _ in range(30):
        controller.handle("+")
    assert controller.volume_db == VOLUME_RANGE_DB[1]
    controller.handle("-")
    reference = _controller(mix)
    _at(reference, 3.3)
    _at(controller, 3.2)
    quieter = _run(controller, 0.1)[PULL:]
    louder = _run(reference, 0.1)[PULL:]
    assert np.allclose(quieter, louder * 10 ** (-3 / 20), atol=1e-6)


def test_hold_waits_with_the_bed_until_a_key(mix: Mix) -> None:
    hold = mix.timeline.holds[0]
    controller = _controller(mix)
    _at(controller, hold.start_s + 0.05)
    assert controller.state is State.HOLDING
    waiting_at = controller.position
    _run(controller, 20)  # far longer than the hold's 5 s: still waiting
    assert controller.state is State.HOLDING and controller.position == waiting_at
    assert controller.status().line().endswith("(press space to go on)")
    controller.handle("space")
    controller.pull(PULL)
    assert controller.status().state is State.PLAYING
    assert round(hold.end_s * RATE) <= controller.position <= round(hold.end_s * RATE) + PULL


@pytest.mark.parametrize("moment", ["start", "speech", "paused", "hold"])
def test_quit_at_any_moment_fades_out_and_finishes(mix: Mix, moment: str) -> None:
    controller = _controller(mix)
    audio = []
    if moment == "speech":
        audio.append(_at(controller, 3.3))
    elif moment == "paused":
        audio.append(_at(controller, 3.3))
        controller.handle("space")
        audio.append(_run(controller, 0.5))
    elif moment == "hold":
        audio.append(_at(controller, mix.timeline.holds[0].start_s + 1))
    controller.handle("q")
    audio.append(_run(controller, 0.5))
    assert controller.finished
    tail = np.concatenate(audio)
    assert float(np.max(np.abs(tail[-PULL:]))) == 0.0
    _no_clicks(tail)
    assert controller.handle("q") == "quit" and controller.finished  # a second q changes nothing


def test_resume_during_the_pause_fade_stays_resumed(mix: Mix) -> None:
    controller = _controller(mix)
    _at(controller, 3.3)
    controller.handle("space")
    controller.pull(100)  # part of the 30 ms fade-out
    controller.handle("space")
    audio = _run(controller, 0.3)
    assert controller.state is State.PLAYING
    assert float(np.max(np.abs(audio[-PULL:]))) > 0.1
    _no_clicks(audio)


def test_unknown_keys_do_nothing(mix: Mix) -> None:
    controller = _controller(mix)
    assert controller.handle("x") is None
    assert controller.state is State.PLAYING


def _mix_with_bed() -> Mix:
    from voiceguide.render import Ducking
    from voiceguide.sound.beds import Bed

    mix = _mix()
    t = np.arange(RATE * 4) / RATE  # a 4 s loop of whole cycles of 150 Hz
    loop = np.repeat((0.4 * np.sin(2 * np.pi * 150 * t))[:, None], 2, axis=1).astype(np.float32)
    bed = Bed("test-bed", loop, -20.0, "test")
    return Mix(mix.timeline, mix.clips, RATE, bed, 0.5, Ducking.from_events(mix.timeline.events))


def test_entering_leaving_and_quitting_a_hold_never_click() -> None:
    mix = _mix_with_bed()
    hold = mix.timeline.holds[0]
    for last_key in ("space", "n", "q"):
        controller = _controller(mix)
        audio = [_at(controller, hold.start_s + 2)]
        assert controller.state is State.HOLDING
        assert float(np.max(np.abs(audio[0][-PULL:]))) > 0.05  # the bed plays on while it waits
        controller.handle(last_key)
        audio.append(_run(controller, 1.0))
        _no_clicks(np.concatenate(audio))


def test_pause_or_quit_right_after_a_jump_fades_what_was_heard() -> None:
    mix = _mix()
    starts = [round(chapter.start_s * RATE) for chapter in mix.timeline.chapters]
    for key in ("space", "q"):
        controller = _controller(mix)
        audio = [_at(controller, 3.3)]
        controller.handle("n")
        controller.handle(key)  # within the same buffer as the jump
        audio.append(_run(controller, 0.5))
        _no_clicks(np.concatenate(audio))
        if key == "space":
            controller.handle("space")
            resumed = _run(controller, 0.2)
            assert (
                starts[1] <= controller.position - len(resumed) <= starts[1] + PULL
            )  # at the new step
            _no_clicks(np.concatenate([*audio, resumed]))


def test_pausing_just_before_a_hold_still_waits_there() -> None:
    mix = _mix()
    hold_start = round(mix.timeline.holds[0].start_s * RATE)
    controller = _controller(mix)
    _run(controller, (hold_start - 300) / RATE)  # 300 frames before the hold: less than the fade
    controller.pull(hold_start - controller.position - 200)
    controller.handle("space")
    _run(controller, 0.2)
    assert controller.position <= hold_start
    controller.handle("space")
    _run(controller, 0.5)
    assert controller.status().state is State.HOLDING


def _early_start(
    final: Mix, trim_db: float, ready_s: float | None = None
) -> tuple[Controller, Upgrade]:
    """A draft of ``final``: the first step's words only, its level ``trim_db`` off, ready until
    ``ready_s`` (default: the second step's start)."""
    first_step = {event.line for event in final.timeline.events if event.chapter == 0}
    silent = np.zeros(0, np.float32)
    clips = {line: (s if line in first_step else silent) for line, s in final.clips.items()}
    draft = dataclasses.replace(
        final, clips=clips, master_gain=final.master_gain * 10 ** (trim_db / 20)
    )
    upgrade = Upgrade(round((ready_s or final.timeline.chapters[1].start_s) * RATE))
    return Controller(MixRenderer(draft), draft.timeline, upgrade), upgrade


def test_an_early_start_waits_where_it_ends_then_the_whole_session_takes_over(mix: Mix) -> None:
    controller, upgrade = _early_start(mix, trim_db=2.0)
    reference = np.concatenate(list(render_blocks(mix)))
    start = _run(controller, 13.0)  # the first step ends at 11 s (3 s lead-in): then it waits
    assert controller.position == upgrade.ready_until
    assert controller.status().preparing and controller.state is State.HOLDING
    assert "the voice is still being prepared" in controller.status().line()
    assert np.allclose(start[:8000], reference[:8000] * 10 ** (2 / 20), atol=1e-6)
    upgrade.landed = (MixRenderer(mix), mix.timeline)
    rest = _run(controller, 15.0)
    assert not controller.status().preparing
    _no_clicks(np.concatenate([start, rest]))
    settled = round((TRIM_GLIDE_S + 0.1) * RATE)  # after the level's glide, the session itself
    begin = upgrade.ready_until + settled
    assert np.allclose(
        rest[settled : settled + 2 * RATE], reference[begin : begin + 2 * RATE], atol=1e-6
    )
    assert np.abs(rest[: RATE // 10]).max() > 0  # the second step's words start at once


def test_a_failed_preparation_fades_out_and_is_reported(mix: Mix) -> None:
    controller, upgrade = _early_start(mix, trim_db=0.0)
    _run(controller, 2.0)
    upgrade.failed = RuntimeError("no more voice")
    tail = _run(controller, 1.0)
    assert controller.finished and isinstance(controller.failure, RuntimeError)
    _no_clicks(tail)


def test_an_upgrade_follows_a_future(mix: Mix) -> None:
    future: Future[Mix] = Future()
    upgrade = Upgrade(10)
    upgrade.follow(future, lambda final: (MixRenderer(final), final.timeline))
    waiting = upgrade.landed
    future.set_result(mix)
    assert waiting is None
    assert upgrade.landed is not None and upgrade.landed[1] is mix.timeline
    failing: Future[Mix] = Future()
    other = Upgrade(10)
    other.follow(failing, lambda final: (MixRenderer(final), final.timeline))
    failing.set_exception(ValueError("bad"))
    assert isinstance(other.failed, ValueError) and other.landed is None


def test_next_while_waiting_goes_there_when_the_rest_is_ready(mix: Mix) -> None:
    controller, upgrade = _early_start(mix, trim_db=0.0, ready_s=8.0)
    _run(controller, 4.0)
    controller.handle("n")  # the next step is not ready yet: wait where the early part ends
    _run(controller, 0.5)
    assert controller.position == upgrade.ready_until and controller.status().preparing
    controller.handle("n")  # and again, while waiting: still the step after the first
    upgrade.landed = (MixRenderer(mix), mix.timeline)
    audio = _run(controller, 1.0)
    second = round(mix.timeline.chapters[1].start_s * RATE)
    assert second > upgrade.ready_until  # (the early part ends inside the first step here)
    assert second < controller.position <= second + RATE  # (the second step then holds)
    assert controller.status().chapter_title == "Two"
    _no_clicks(audio)


def test_space_while_waiting_pauses_when_the_rest_is_ready(mix: Mix) -> None:
    controller, upgrade = _early_start(mix, trim_db=0.0)
    _run(controller, 13.0)
    assert controller.status().preparing
    controller.handle(" ")
    upgrade.landed = (MixRenderer(mix), mix.timeline)
    audio = _run(controller, 1.0)
    assert controller.state is State.PAUSED and controller.position == upgrade.ready_until
    controller.handle(" ")
    audio = np.concatenate([audio, _run(controller, 1.0)])
    assert controller.position > upgrade.ready_until  # playing (up to the second step's hold)
    _no_clicks(audio)


def test_quitting_while_waiting_stops_waiting(mix: Mix) -> None:
    controller, _ = _early_start(mix, trim_db=0.0)
    _run(controller, 13.0)
    controller.handle("q")
    assert not controller.status().preparing
    _run(controller, 0.5)
    assert controller.finished

"""An early start plays a first plan laid out from estimated line lengths; better plans land as
the lines are spoken. Whatever reads where the lines are reads the plan being played now (the
controller's, with its position: ``Controller.seen``): the listener's gate (when the guide's own
voice sounds) and its reading (the lines a caregiver reads aloud), the prompter and the remote
page. Tone clips and no decoding: fast."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from tests.fakes import tone_mix
from voiceguide.listen.decoding import Decision
from voiceguide.listen.gate import Gate
from voiceguide.listen.listener import Following, Listener, voice_spans
from voiceguide.listen.reading import Reading
from voiceguide.listen.recognizer import Recognizer
from voiceguide.player.controller import Controller, Upgrade
from voiceguide.render import Mix
from voiceguide.render.mix import MixRenderer
from voiceguide.routinefile import parse_routine
from voiceguide.timeline import Line, PlanOptions, plan

RATE = 44100
ROUTINE = b"""
title: T
description: D
audience: self
language: en
steps:
  - id: one
    title: One
    duration: 20s
    say: First step words, a few of them.
    prompts:
      - at: 9s
        say: Keep going, slowly.
  - id: two
    title: Two
    duration: 20s
    say: Second step words.
    prompts:
      - at: 8s
        say: And now a little softer.
"""


class NoDecoding:
    def decide(self, audio: bytes, lines: Sequence[str] | None = None) -> Decision:
        raise AssertionError("nothing is said in this test")


def _plans() -> tuple[Mix, Mix]:
    """Fitted to 75 s (``--minutes``: every silence depends on every line): the first plan from
    lines guessed 70 % longer (silent placeholders), and the real one."""
    routine = parse_routine(ROUTINE, source="t.yaml", name="t")
    clips = tone_mix(routine, RATE).clips
    guessed = {line: np.zeros(round(len(clip) * 1.7), np.float32) for line, clip in clips.items()}
    options = dataclasses.replace(PlanOptions.of(routine), chime=None, target_s=75.0)

    def planned(made: dict[Line, np.ndarray]) -> Mix:
        lengths = {line: len(clip) / RATE for line, clip in made.items()}
        return Mix(plan(routine, lengths, options), made, RATE)

    return planned(guessed), planned(dict(clips))


def _landed(first: Mix, final: Mix) -> Controller:
    """A controller that began on ``first`` and took ``final`` as a better draft 1 s in."""
    upgrade = Upgrade(2 * RATE)
    controller = Controller(MixRenderer(first), first.timeline, upgrade)
    controller.pull(RATE)
    upgrade.improve(MixRenderer(final), final.timeline, MixRenderer(final).total_frames)
    controller.pull(441)
    assert controller.timeline is final.timeline
    return controller


def _differ(first: Gate, final: Gate, times_s: np.ndarray) -> float:
    """A moment where the two plans' gates disagree (the guide speaks in one, not the other)."""
    for at_s in times_s:
        if first.open(at_s - 0.3, at_s) != final.open(at_s - 0.3, at_s):
            return float(at_s)
    raise AssertionError("the plans agree everywhere: the test would prove nothing")


def test_the_gate_follows_the_plan_being_played() -> None:
    first, final = _plans()
    controller = _landed(first, final)
    old, new = Gate(voice_spans(first.timeline)), Gate(voice_spans(final.timeline))
    at_s = _differ(old, new, np.arange(4.0, final.timeline.total_s - 5, 0.05))
    while controller.position < round(at_s * RATE):
        controller.pull(min(4410, round(at_s * RATE) - controller.position))
    recognizer = Recognizer(["Rest."], wake=False, decider=NoDecoding())
    following = Following(lambda: controller.timeline, voice=True)
    listener = Listener(controller, recognizer, *following.now(), following=following)
    try:
        assert recognizer.accept is not None
        # an utterance that ended just now (the microphone has heard nothing before it)
        assert (
            recognizer.accept(-0.3, 0.0) == new.open(at_s - 0.3, at_s) != old.open(at_s - 0.3, at_s)
        )
    finally:
        listener.stop()


def test_the_reading_follows_the_plan_being_played() -> None:
    first, final = _plans()
    controller = _landed(first, final)
    old, new = Reading.of(first.timeline), Reading.of(final.timeline)
    times_s = np.arange(4.0, final.timeline.total_s, 0.05)
    at_s = next(float(t) for t in times_s if old.around(t) != new.around(t))
    while controller.position < round(at_s * RATE):
        controller.pull(min(4410, round(at_s * RATE) - controller.position))
    recognizer = Recognizer(["Rest."], wake=True, decider=NoDecoding())
    following = Following(lambda: controller.timeline, voice=False)
    listener = Listener(controller, recognizer, *following.now(), following=following)
    try:
        assert recognizer.reading is not None
        assert recognizer.reading(0.0) == new.around(at_s) != old.around(at_s)
    finally:
        listener.stop()


def test_the_prompter_and_the_remote_page_show_the_line_of_the_plan_being_played() -> None:
    import io

    from voiceguide.player.display import Prompter
    from voiceguide.remote.app import Hub
    from voiceguide.remote.view import Lines

    first, final = _plans()
    controller = _landed(first, final)
    lines = final.timeline.lines
    at_s = next(
        float(t) for t in np.arange(4.0, final.timeline.total_s, 0.05)
        if first.timeline.line_at(t) != final.timeline.line_at(t) and final.timeline.line_at(t) >= 0
    )  # fmt: skip
    while controller.position < round(at_s * RATE):
        controller.pull(min(4410, round(at_s * RATE) - controller.position))
    status, timeline = controller.seen()
    assert timeline is final.timeline and abs(status.position_s - at_s) < 0.01
    now = lines[final.timeline.line_at(at_s)].text
    hub = Hub(controller, Lines(first.timeline))  # the page was opened on the first plan
    assert hub.screen().now == now
    prompter = Prompter(io.StringIO(), first.timeline)
    prompter.follow(timeline)
    assert [row for row, bold in prompter.lines(status, 400, 60) if bold] == [now]

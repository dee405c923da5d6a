"""The transport alone: actions in, state and position out, over frame counts. No audio at all."""

from __future__ import annotations

import pytest

from voiceguide.player.segments import Bed, Crossfade, FadeOut, Segment, Session, Silence
from voiceguide.player.transport import (
    ACTIONS,
    BACK_GRACE_S,
    Cue,
    Layout,
    State,
    Transport,
    act,
    advance,
    land,
)

RATE = 1000  # a 30-frame fade
LAYOUT = Layout(RATE, (0, 10_000, 20_000), ((15_000, 18_000),), 30_000)


def _covered(segments: list[Segment]) -> int:
    return sum(segment.frames for segment in segments)


def _play(t: Transport, frames: int, step: int = 100) -> Transport:
    for _ in range(frames // step):
        t, segments = advance(t, step)
        assert _covered(segments) == step
    return t


def test_untouched_it_plays_the_session_in_order_until_the_hold() -> None:
    t, segments = advance(Transport(LAYOUT), 500)
    assert segments == [Session(0, 500)] and t.position == 500
    t = _play(t, 14_500)
    t, segments = advance(t, 100)  # the hold starts at the first frame: the bed alone
    assert segments == [Session(15_000, 0), Bed(15_000, 100, 15_000)]
    assert t.state is State.HOLDING and t.position == 15_000
    t = _play(t, 60_000)
    assert t.state is State.HOLDING and t.position == 15_000  # waits for ever
    t, cue = act(t, "continue")
    assert cue is None and t.state is State.PLAYING and t.position == 18_000
    t, segments = advance(t, 100)  # from the bed to the session after the hold
    assert segments[0] == Crossfade(Bed(75_100, 30, 15_000), (Session(18_000, 30),))
    t = _play(t, 20_000)
    assert t.finished


def test_pause_fades_then_stays_and_resume_rises_from_there() -> None:
    t = _play(Transport(LAYOUT), 3_000)
    t, cue = act(t, "pause")
    assert cue is Cue.FALLING and t.state is State.PAUSED
    t, segments = advance(t, 100)
    assert segments == [FadeOut(Session(3_000, 30), 30, 30), Silence(70)]
    assert t.position == 3_030
    t, segments = advance(t, 100)
    assert segments == [Silence(100)] and t.position == 3_030
    assert act(t, "pause") == (t, None)  # "pause" when paused changes nothing
    t, cue = act(t, "continue")
    assert cue is Cue.RISING
    t, segments = advance(t, 100)
    assert segments == [Session(3_030, 100, (0, 30))]


def test_toggle_is_pause_then_continue() -> None:
    t = _play(Transport(LAYOUT), 1_000)
    t, _ = act(t, "toggle")
    assert t.state is State.PAUSED
    t, _ = act(t, "toggle")
    assert t.state is State.PLAYING


@pytest.mark.parametrize(
    ("at", "action", "to"),
    [(12_000, "next", 20_000), (12_000, "repeat", 10_000), (12_000, "back", 0),
     (14_000, "back", 10_000), (25_000, "next", 30_000), (500, "back", 0)],
)  # fmt: skip
def test_jumps_go_to_step_starts(at: int, action: str, to: int) -> None:
    assert BACK_GRACE_S * RATE == 3_000
    t = Transport(LAYOUT, position=at)
    t, _ = act(t, action)
    assert t.position == to
    t, segments = advance(t, 100)
    assert isinstance(segments[0], Crossfade) and segments[0].old == Session(at, 30)


def test_volume_is_clamped_and_says_so_at_its_ends() -> None:
    t = Transport(LAYOUT)
    t, cue = act(t, "louder")
    assert cue is Cue.LIMIT and t.volume_db == 0.0
    t, cue = act(t, "softer")
    assert cue is None and t.volume_db == -3.0


def test_quit_fades_out_then_finishes_and_nothing_moves_after() -> None:
    t = _play(Transport(LAYOUT), 1_000)
    t, _ = act(t, "quit")
    assert t.state is State.STOPPING
    t = _play(t, 1_000)
    assert t.finished
    for action in ACTIONS:
        assert act(t, action)[0].position == t.position


def test_an_early_start_waits_where_it_ends_and_goes_on_when_the_rest_lands() -> None:
    early = Layout(RATE, LAYOUT.chapter_starts, ((5_000, 5_000),), 30_000, ready_until=5_000)
    t = _play(Transport(early), 6_000)
    assert t.preparing and t.position == 5_000
    t, _ = act(t, "next")  # not ready yet: go there when it is
    assert t.then == 10_000 and t.position == 5_000
    t = land(t, LAYOUT)
    assert not t.preparing and t.state is State.PLAYING and t.position == 10_000


def test_an_unknown_action_is_refused() -> None:
    with pytest.raises(ValueError, match="expected an action"):
        act(Transport(LAYOUT), "dance")

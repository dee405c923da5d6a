"""An early start everywhere: laid out from estimated line lengths, it can play at once; better
drafts land as the lines are spoken (with ``--minutes`` each moves the player to the same place
in the better plan); and what plays once the whole session has landed is the export, sample for
sample."""

from __future__ import annotations

import numpy as np
import pytest

from voiceguide import api
from voiceguide.player.controller import TRIM_GLIDE_S, Controller, State, Upgrade
from voiceguide.player.remap import remap
from voiceguide.preparing.early import EarlyStart
from voiceguide.render import render_blocks
from voiceguide.render.mix import MixRenderer
from voiceguide.sound.level import CLIP_LOUDNESS_LUFS

PULL = 4410
OPTIONS = api.SessionOptions(engine="fake", minutes=1.5, rate_wpm=110)  # a new rate: cold
ROUTINE = """title: Three steps
description: D
audience: self
language: en
soundscape: {name: rain}
steps:
""" + "".join(
    f"""  - id: s{n}
    duration: 15s
    say: Step {n}. Let the hands rest, and breathe out slowly.
    prompts:
      - {{at: 8s, say: "Still step {n}, softly now."}}
      - {{at: 12s, say: Nearly done.}}
"""
    for n in range(1, 4)
)


@pytest.fixture(scope="module")
def cold(tmp_path_factory: pytest.TempPathFactory) -> tuple[EarlyStart, list[api.Session]]:
    """Three steps stretched to 90 s, at a rate never spoken before: the early start, and its
    drafts (nine lines spoken in requests of 2, 4, then 8: two drafts at least)."""
    folder = tmp_path_factory.mktemp("cold")
    routine = folder / "three.yaml"
    routine.write_text(ROUTINE, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VOICEGUIDE_CACHE_DIR", str(folder / "cache"))
        patch.setenv("VOICEGUIDE_FAKE_SLOW_S", "0.3")  # 2.7 s: time for drafts meanwhile
        start = api.prepare_to_play(api.load(str(routine)), OPTIONS)
        assert isinstance(start, EarlyStart)
        drafts: list[tuple[api.Session, float]] = []
        start.drafts.follow(lambda session, ready_s: drafts.append((session, ready_s)))
        start.final.result(timeout=120)
        start.drafts.close(5.0)
    return start, [session for session, _ in drafts]


def test_nothing_spoken_yet_and_ready_to_play_its_opening(
    cold: tuple[EarlyStart, list[api.Session]],
) -> None:
    start, _ = cold
    first_line_s = start.session.timeline.events[0].start_s
    assert start.ready_until_s == first_line_s > 0  # the opening plays while the voice is made
    leveling = start.session.leveling  # leveled for the voice to come, not for the soundscape
    assert leveling.gain_db == pytest.approx(leveling.target_lufs - CLIP_LOUDNESS_LUFS)


def test_drafts_land_as_lines_are_spoken_each_ready_further_on(
    cold: tuple[EarlyStart, list[api.Session]],
) -> None:
    start, drafts = cold
    final = start.final.result()
    readies = [start.ready_until_s, *map(_ready_s, drafts)]
    assert len(readies) >= 2 and readies == sorted(set(readies))
    for draft in drafts:  # planned from the same lines and steps as the whole session
        assert [e.line for e in draft.timeline.events] == [e.line for e in final.timeline.events]
        assert len(draft.timeline.chapters) == len(final.timeline.chapters)


def test_a_moment_of_a_line_is_the_same_moment_of_it_in_the_better_plan(
    cold: tuple[EarlyStart, list[api.Session]],
) -> None:
    start, _ = cold
    old, new = start.session.timeline, start.final.result().timeline
    moved = remap(old, new)
    assert moved is not None  # estimated lengths: with --minutes every silence moved a little
    for index in (0, 4, len(new.events) - 1):
        before, after = old.events[index], new.events[index]
        assert moved(before.start_s + 0.1) == pytest.approx(after.start_s + 0.1)
    gap = old.events[3].end_s + 0.2, old.events[4].start_s
    assert new.events[3].end_s <= moved(gap[0]) <= new.events[4].start_s  # within the same silence
    assert remap(new, new) is None


def test_after_the_whole_session_lands_what_plays_is_the_export(
    cold: tuple[EarlyStart, list[api.Session]],
) -> None:
    """Play the early start, each draft as it would land, then the whole session (while the last
    draft plays: the player moves to the same place in it): from the landing (after the level's
    glide) to the end, every frame is the exported session's."""
    start, drafts = cold
    final = start.final.result()
    rate = final.mix.sample_rate
    upgrade = Upgrade(round(start.ready_until_s * rate))
    controller = Controller(
        MixRenderer(start.session.mix), start.session.timeline, upgrade, holds_wait=False
    )
    for draft in drafts:  # each draft lands once the player waits where the last one ended
        _pull_until_waiting(controller)
        upgrade.improve(MixRenderer(draft.mix), draft.timeline, round(_ready_s(draft) * rate))
    controller.pull(PULL)  # (the draft is taken on the audio thread's next pull)
    while controller.position < 0.8 * upgrade.ready_until:  # the last draft plays on ...
        controller.pull(PULL)
    assert controller.state is State.PLAYING and not controller.status().preparing
    upgrade.landed = (MixRenderer(final.mix), final.timeline)  # ... when the whole session lands
    was = controller.position
    controller.pull(PULL)
    assert controller.position != was + PULL  # it moved to the same place in the better plan
    for _ in range(round(TRIM_GLIDE_S * rate / PULL) + 2):
        controller.pull(PULL)
    assert controller.timeline is final.timeline and controller.state is State.PLAYING
    begin = controller.position
    played = [controller.pull(PULL) for _ in range(0, final.mix.total_frames - begin, PULL)]
    exported = np.concatenate(list(render_blocks(final.mix)))
    heard = np.concatenate(played)[: len(exported) - begin]
    assert begin > 0 and float(np.max(np.abs(heard - exported[begin:]))) < 1e-5


def _ready_s(draft: api.Session) -> float:
    """Where the first line not spoken yet (a silent placeholder) starts."""
    unspoken = [e.start_s for e in draft.timeline.events if not np.any(draft.mix.clips[e.line])]
    return min(unspoken, default=draft.timeline.total_s)


def _pull_until_waiting(controller: Controller) -> None:
    for _ in range(10_000):
        if controller.status().preparing:
            return
        controller.pull(PULL)
    raise AssertionError("never reached where the early start ends")

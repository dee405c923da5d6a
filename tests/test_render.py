from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import DATA
from tests.fakes import tone_mix
from voiceguide.render import CEILING_DB, Mix, db_to_gain, render_blocks
from voiceguide.routinefile import load_routine

RATE = 44100


def _mix() -> Mix:
    return tone_mix(load_routine(DATA / "good" / "minimal.yaml"), RATE)


def _render(mix: Mix, start_frame: int = 0, block_frames: int = 65536) -> np.ndarray:
    return np.concatenate(
        list(render_blocks(mix, start_frame=start_frame, block_frames=block_frames))
    )


def test_length_channels_and_peak() -> None:
    mix = _mix()
    audio = _render(mix)
    assert audio.shape == (mix.total_frames, 2)
    assert audio.dtype == np.float32
    assert np.array_equal(audio[:, 0], audio[:, 1])
    peak = float(np.max(np.abs(audio)))
    assert peak <= db_to_gain(CEILING_DB)
    assert peak == pytest.approx(0.5, rel=0.01)  # the fake tone's level, at unity gain


def test_each_voice_event_sounds_at_its_start_and_silence_between() -> None:
    mix = _mix()
    audio = _render(mix)[:, 0]
    for event in mix.timeline.events:
        start = round(event.start_s * RATE)
        stop = start + round(event.duration_s * RATE)
        assert np.max(np.abs(audio[start : start + 2205])) > 0.05  # loud within 50 ms of its start
        assert (
            np.max(np.abs(audio[stop + 1 : stop + 2205])) == 0.0
        )  # and nothing spills after its end
    assert np.max(np.abs(audio[: round(mix.timeline.events[0].start_s * RATE)])) == 0.0


def test_blocks_are_independent_of_their_size_and_start() -> None:
    mix = _mix()
    whole = _render(mix)
    assert np.array_equal(_render(mix, block_frames=1000), whole)
    start = 12345 * 7
    assert np.array_equal(_render(mix, start_frame=start, block_frames=4096), whole[start:])


def test_no_clicks_at_clip_edges() -> None:
    """The fake clips start and stop at full level; after the edge fades no sample step is much
    larger than the tone's own steepest slope."""
    mix = _mix()
    audio = _render(mix)[:, 0]
    steps = np.abs(np.diff(audio))
    tone_step = 2 * np.pi * 220 / RATE * 0.5  # the steepest slope of the tone
    assert float(steps.max()) <= tone_step * 1.2
    for event in mix.timeline.events:
        start = round(event.start_s * RATE)
        assert abs(float(audio[start])) < 0.01  # clips open from silence


def test_fades_in_and_out_to_silence() -> None:
    mix = _mix()
    audio = _render(mix)[:, 0]
    assert audio[0] == 0.0 and audio[-1] == 0.0

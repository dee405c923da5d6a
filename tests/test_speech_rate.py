"""The pace asked is the pace heard: words over voiced time, measured on the rendered voice of a
whole session, within 10 % at 100 and 180 wpm, for both real engines."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from tests.conftest import PIPER_DESK
from voiceguide import api
from voiceguide.routinefile import load_bundled
from voiceguide.sound.activity import voiced_s, words_per_minute

pytestmark = [pytest.mark.real, pytest.mark.slow]


@pytest.mark.parametrize("rate_wpm", [100, 180])
@pytest.mark.parametrize(  # Piper's clips are test_any_pace's spot checks': one worker speaks them
    "engine", [pytest.param("piper", marks=pytest.mark.xdist_group(PIPER_DESK)), "espeak"]
)
def test_rate_heard_is_the_rate_asked(engine: str, rate_wpm: int) -> None:
    routine = load_bundled("desk-break")
    voice_only = dataclasses.replace(  # no breath tones, no slower wind-down: only the voice
        routine,
        wind_down_s=0.0,
        steps=tuple(dataclasses.replace(step, breathe=None) for step in routine.steps),
    )
    options = api.SessionOptions(
        engine=engine, rate_wpm=rate_wpm, soundscape="none", chime="none", breathing="none"
    )
    session = api.prepare(voice_only, options)
    audio = np.concatenate(list(api.render(session)))
    words = sum(len(event.text.split()) for event in session.timeline.events)
    heard = words_per_minute(words, audio, session.mix.sample_rate)
    assert heard == pytest.approx(rate_wpm, rel=0.10), (
        f"{engine} asked {rate_wpm}, heard {heard:.1f}"
    )


def test_voiced_time_leaves_out_pauses_and_counts_short_stops() -> None:
    rate = 16000
    tone = 0.3 * np.sin(2 * np.pi * 200 * np.arange(rate) / rate)  # one second
    stop = np.zeros(rate // 10)  # 0.1 s: a stop between words, counted in
    pause = np.zeros(rate)  # 1 s: a pause, left out
    signal = np.concatenate([tone, stop, tone, pause, tone])
    assert voiced_s(signal, rate) == pytest.approx(3.1, abs=0.02)
    assert voiced_s(np.zeros(rate), rate) == 0.0

from __future__ import annotations

import numpy as np
import pytest

from voiceguide.render.ducking import ATTACK_S, DUCK_DB, HOLD_S, RELEASE_S, Ducking
from voiceguide.sound.cues import CHIME_PEAK, breath_cue, chime
from voiceguide.timeline import Line, VoiceEvent

RATE = 44100


def _events(*spans: tuple[float, float]) -> list[VoiceEvent]:
    return [VoiceEvent(start, end - start, Line(f"l{start}"), "say", 0) for start, end in spans]


def test_ducks_under_speech_and_rises_after() -> None:
    ducking = Ducking.from_events(_events((10.0, 12.0)))
    t = np.array([5.0, 10.0 - ATTACK_S, 10.0, 11.0, 12.0 + HOLD_S, 12.0 + HOLD_S + RELEASE_S, 20.0])
    gain_db = 20 * np.log10(ducking.gain(t))
    assert gain_db[0] == pytest.approx(0.0)
    assert gain_db[1] == pytest.approx(0.0)  # the ramp starts here ...
    assert gain_db[2] == pytest.approx(DUCK_DB)  # ... and is down at the first syllable
    assert gain_db[3] == pytest.approx(DUCK_DB)
    assert gain_db[4] == pytest.approx(DUCK_DB)  # still down through the hold
    assert gain_db[5] == pytest.approx(0.0)
    assert gain_db[6] == pytest.approx(0.0)


def test_stays_down_through_short_gaps_but_not_long_ones() -> None:
    bridged = Ducking.from_events(_events((10.0, 12.0), (12.5, 14.0)))
    assert len(bridged.starts_s) == 1
    assert 20 * np.log10(bridged.gain(np.array([12.3]))[0]) == pytest.approx(DUCK_DB)
    apart = Ducking.from_events(_events((10.0, 12.0), (16.0, 17.0)))
    assert len(apart.starts_s) == 2
    assert 20 * np.log10(apart.gain(np.array([14.0]))[0]) == pytest.approx(0.0)


def test_envelope_is_smooth() -> None:
    ducking = Ducking.from_events(_events((1.0, 2.0), (4.0, 5.0)))
    gain = ducking.gain(np.arange(0, 7, 1 / RATE))
    assert float(np.max(np.abs(np.diff(gain)))) < 1e-3  # no step anywhere


@pytest.mark.parametrize("kind", ["inhale", "hold", "exhale"])
def test_breath_cues_start_and_end_silent(kind: str) -> None:
    cue = breath_cue(kind, 4.0, RATE)
    assert len(cue) == 4 * RATE
    assert cue[0] == 0.0 and abs(float(cue[-1])) < 1e-6
    assert float(np.max(np.abs(np.diff(cue)))) < 0.01  # no clicks


def _pitch_hz(samples: np.ndarray) -> float:
    crossings = np.count_nonzero(np.diff(np.signbit(samples)))
    return crossings / 2 / (len(samples) / RATE)


def test_inhale_rises_and_exhale_falls() -> None:
    inhale = breath_cue("inhale", 4.0, RATE)
    exhale = breath_cue("exhale", 4.0, RATE)
    quarter = RATE
    assert _pitch_hz(inhale[-quarter:]) > _pitch_hz(inhale[:quarter]) * 1.2
    assert _pitch_hz(exhale[-quarter:]) < _pitch_hz(exhale[:quarter]) / 1.2
    assert float(np.max(np.abs(breath_cue("hold", 4.0, RATE)))) < float(np.max(np.abs(inhale))) / 3


@pytest.mark.parametrize("name", ["bell", "bowl"])
def test_chimes_are_soft_and_click_free(name: str) -> None:
    sound = chime(name, RATE)
    assert float(np.max(np.abs(sound))) == pytest.approx(CHIME_PEAK)
    assert sound[0] == 0.0 and abs(float(sound[-1])) < 1e-6
    assert float(np.max(np.abs(sound[: RATE // 100]))) > 0.01  # it sounds at once (within 10 ms)

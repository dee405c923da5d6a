"""Voice activity, trimming and the checks on a take, on signals made here with known edges."""

from __future__ import annotations

import numpy as np
import pytest

from voiceguide.record.takes import VoiceActivity, judge

RATE = 48000


def _noise(seconds: float, db: float = -65.0, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(round(seconds * RATE)) * 10 ** (db / 20)).astype(np.float32)


def _syllables(seconds: float, peak: float = 0.3) -> np.ndarray:
    """Voiced bursts (150 ms on, 80 ms off) at 180 Hz with harmonics: speech-like level changes."""
    t = np.arange(round(seconds * RATE)) / RATE
    tone = np.sin(2 * np.pi * 180 * t) + 0.5 * np.sin(2 * np.pi * 360 * t)
    gate = (t % 0.23) < 0.15
    gate[-1] = True
    return (peak / 1.5 * tone * gate).astype(np.float32)


def _take(before_s: float, speech_s: float, after_s: float, peak: float = 0.3) -> np.ndarray:
    speech = _syllables(speech_s, peak)
    speech[-round(0.08 * RATE) :] = 0.0  # end on a gap's worth of silence, so the edge is known
    speech[-round(0.08 * RATE) - 1] = speech[-round(0.08 * RATE) - 2]
    return np.concatenate(
        [_noise(before_s), speech + _noise(speech_s, seed=1), _noise(after_s, seed=2)]
    )


def _fed(samples: np.ndarray, chunk: int = 960) -> tuple[bool, int]:
    """Feed in microphone-sized chunks: (stopped by itself, samples fed until then)."""
    activity = VoiceActivity(RATE)
    for start in range(0, len(samples), chunk):
        if activity.feed(samples[start : start + chunk]):
            return True, start + chunk
    return False, len(samples)


def test_the_take_ends_one_second_after_the_speech() -> None:
    samples = _take(1.0, 2.0, 4.0)
    stopped, fed = _fed(samples)
    assert stopped
    speech_end_s = 1.0 + 2.0 - 0.08
    assert 0.95 <= fed / RATE - speech_end_s <= 1.1, fed / RATE - speech_end_s


def test_a_pause_inside_a_line_does_not_end_it() -> None:
    samples = np.concatenate([_take(0.5, 1.0, 0.7), _syllables(1.0), _noise(3.0)])
    stopped, fed = _fed(samples)
    assert stopped and fed / RATE > 0.5 + 1.0 + 0.7 + 1.0


def test_silence_alone_stops_after_eight_seconds() -> None:
    stopped, fed = _fed(_noise(20.0))
    assert stopped and abs(fed / RATE - 8.0) < 0.05


def test_trimmed_to_the_speech_within_50_ms() -> None:
    samples = _take(1.0, 2.0, 1.5)
    verdict = judge(samples, RATE)
    assert verdict.problem is None
    start_error_ms = (verdict.start_frame / RATE - 1.0) * 1000
    end_error_ms = ((verdict.start_frame + len(verdict.samples)) / RATE - (3.0 - 0.08)) * 1000
    assert -50 <= start_error_ms <= 0 and 0 <= end_error_ms <= 50, (start_error_ms, end_error_ms)
    assert verdict.samples[0] == 0.0 and abs(verdict.samples[-1]) < 1e-3  # faded edges


@pytest.mark.parametrize(
    ("samples", "reason"),
    [
        (
            np.clip(_take(0.5, 1.5, 1.0, peak=2.0), -1, 32767 / 32768),
            "clipped: move back from the microphone",
        ),
        (_take(0.5, 1.5, 1.0, peak=0.004), "far too quiet: move closer to the microphone"),
        (_noise(3.0), "no speech heard"),
        (_take(0.5, 1.5, 1.0, peak=0.04) + _noise(3.0, db=-40.0), "far too quiet"),  # a noisy room
        (np.zeros(RATE, dtype=np.float32), "no speech heard"),
        (np.zeros(0, dtype=np.float32), "no speech heard"),
    ],
)
def test_a_take_is_refused_with_the_reason(samples: np.ndarray, reason: str) -> None:
    verdict = judge(samples.astype(np.float32), RATE)
    assert verdict.problem is not None and verdict.problem.startswith(reason), verdict.problem
    assert len(verdict.samples) == 0


def test_a_noisy_microphone_that_starts_with_digital_silence_waits_for_the_speech() -> None:
    """ALSA hands over a period of zeros before the first sound: that is not the room's level."""
    noisy = _noise(2.0, db=-45.0)
    speech = _syllables(1.5) + _noise(1.5, db=-45.0, seed=1)
    samples = np.concatenate(
        [np.zeros(960, dtype=np.float32), noisy, speech, _noise(3.0, db=-45.0, seed=2)]
    )
    stopped, fed = _fed(samples)
    assert stopped and fed / RATE > 0.02 + 2.0 + 1.5 + 0.9, fed / RATE
    assert judge(samples[:fed], RATE).problem is None


@pytest.mark.parametrize("room", ["pink", "fan"])
def test_in_a_bedroom_the_take_ends_a_second_after_the_speech_and_is_trimmed_to_it(
    room: str,
) -> None:
    """Issue 25: in pink room noise at -58 dBFS, takes kept 0.4-8.6 s of room after the speech
    (short blocks of pink noise swing across a level threshold)."""
    from tests.rooms import in_room

    speech = _syllables(2.0).astype(np.float64)
    speech[-round(0.08 * RATE) :] = 0.0
    speech *= 10 ** ((-23 - 10 * np.log10(np.mean(speech**2) / 0.65)) / 20)  # -23 dBFS voiced
    heard, start, end = in_room(speech, room, -58.0, before_s=0.7, after_s=6.0, seed=3)
    samples = heard.astype(np.float32)
    stopped, fed = _fed(samples)
    assert stopped and 0.95 <= (fed - end) / RATE <= 1.1, (fed - end) / RATE
    verdict = judge(samples[:fed], RATE)
    assert verdict.problem is None, verdict.problem
    start_error_ms = (verdict.start_frame - start) / RATE * 1000
    end_error_ms = (verdict.start_frame + len(verdict.samples) - end) / RATE * 1000
    assert abs(start_error_ms) <= 50 and abs(end_error_ms) <= 50, (start_error_ms, end_error_ms)

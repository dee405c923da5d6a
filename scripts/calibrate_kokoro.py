"""Calibrate Kokoro's pace: the figures behind ``kokoro_engine.PACE_CURVE`` and ``NATURAL_WPM``.

A rate means the pace a listener hears: words over voiced time (:mod:`voiceguide.sound.activity`).
Kokoro's ``speed`` input does not scale that pace in proportion (pauses and voiced time scale
differently), so the pace heard is measured at several speeds for the first voice (the curve, as
a share of its pace at speed 1) and at one speed for every other voice (its pace at speed 1, read
through the curve: voices differ in pace, not in the curve's shape). Each voice says the sample
lines of its language (:mod:`voiceguide.speech.samples`), finished as in a session. Run:
    python scripts/calibrate_kokoro.py curve [VOICE]          # PACE_CURVE
    python scripts/calibrate_kokoro.py voices [VOICE ...]     # NATURAL_WPM
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from voiceguide.clips import voice_clips
from voiceguide.sound.activity import voiced_s
from voiceguide.speech import ClipCache, Voice, get_engine, kokoro_engine
from voiceguide.speech.kokoro_voices import VOICES, voice_named
from voiceguide.speech.samples import sample_lines
from voiceguide.timeline import Line

RATE = 44100
CURVE_SPEEDS = (0.4, 0.6, 0.8, 1.0, 1.25, 1.5)
VOICE_SPEED = 0.8  # near the middle of 100-180 wpm for most voices
SPEED_SCALE = 1000  # a "rate" of 800 asks for speed 0.8 here


def heard_wpm(voice_name: str, speed: float, cache: ClipCache) -> float:
    """The pace heard of ``voice_name`` at ``speed``, over its language's sample lines."""
    chosen = voice_named(voice_name)
    assert chosen is not None, voice_name
    texts = sample_lines(chosen.language)
    voice = Voice(voice_name, round(speed * SPEED_SCALE), 40)
    clips = voice_clips(get_engine("kokoro"), voice, [Line(t) for t in texts], cache,
                        sample_rate=RATE)  # fmt: skip
    words = sum(len(text.split()) for text in texts)
    return words / sum(voiced_s(samples, RATE) for samples in clips.values()) * 60


def main() -> None:
    # the speed itself, not the one a rate maps to
    kokoro_engine.speed_for = lambda _name, rate_wpm: rate_wpm / SPEED_SCALE  # type: ignore[assignment]
    part, names = (sys.argv[1:2] or ["voices"])[0], sys.argv[2:]
    with tempfile.TemporaryDirectory() as folder:
        cache = ClipCache(Path(folder))
        if part == "curve":
            name = (names or [VOICES[0].name])[0]
            heard = {speed: heard_wpm(name, speed, cache) for speed in CURVE_SPEEDS}
            for speed, wpm in heard.items():
                print(f"{name} speed {speed:g}: heard {wpm:.1f} wpm", flush=True)
            curve = ", ".join(f"({s:g}, {wpm / heard[1.0]:.3f})" for s, wpm in heard.items())
            print(f"PACE_CURVE = ({curve}); NATURAL_WPM['{name}'] = {heard[1.0]:.0f}")
            return
        for name in names or [voice.name for voice in VOICES]:
            wpm = heard_wpm(name, VOICE_SPEED, cache)
            natural = wpm / kokoro_engine.relative_pace(VOICE_SPEED)
            print(f"{name}: speed {VOICE_SPEED:g} heard {wpm:.1f}; NATURAL_WPM "
                  f"{kokoro_engine.NATURAL_WPM[name]:g} -> {natural:.0f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()

"""Calibrate the speaking rate: the figures behind ``espeak.ESPEAK_RATE_FACTOR`` and
``piper_engine.NATURAL_WPM`` / ``piper_engine.RATE_EXPONENT``.

A rate means the pace a listener hears: words over voiced time (pauses of a quarter second or more
left out; :mod:`voiceguide.sound.activity`). Every line of the bundled routines is spoken by each
engine at 100 and 180 wpm with the current constants, as ready to mix as in a session, and the pace
heard is measured clip by clip. eSpeak NG's pace grows in proportion to its rate parameter, so one
factor maps the rate asked onto it; Piper's pace goes as a power of its length scale, so the length
scale is ``(NATURAL_WPM / rate) ** RATE_EXPONENT`` times the model's own. Run:
    python scripts/calibrate_piper.py [ROUTINE ...]
"""

from __future__ import annotations

import math
import sys
import tempfile
from pathlib import Path

from voiceguide.clips import voice_clips
from voiceguide.routinefile import bundled_names, load_bundled
from voiceguide.sound.activity import voiced_s
from voiceguide.speech import ClipCache, Voice, get_engine
from voiceguide.speech.espeak import ESPEAK_RATE_FACTOR, espeak_rate
from voiceguide.speech.piper_engine import NATURAL_WPM, RATE_EXPONENT
from voiceguide.timeline import Line, spoken_lines

RATE = 44100
RATES_WPM = (100, 180)


def heard_wpm(engine_name: str, rate_wpm: int, texts: list[str], cache: ClipCache) -> float:
    engine = get_engine(engine_name)
    voice = Voice(engine.default_voice.name, rate_wpm, engine.default_voice.pitch)
    clips = voice_clips(engine, voice, [Line(text) for text in texts], cache, sample_rate=RATE)
    words = sum(len(text.split()) for text in texts)
    return words / sum(voiced_s(samples, RATE) for samples in clips.values()) * 60


def main() -> None:
    names = sys.argv[1:] or bundled_names()
    texts = sorted({line.text for name in names for line in spoken_lines(load_bundled(name))})
    with tempfile.TemporaryDirectory() as folder:
        cache = ClipCache(Path(folder))
        espeak = {rate: heard_wpm("espeak", rate, texts, cache) for rate in RATES_WPM}
        piper = {rate: heard_wpm("piper", rate, texts, cache) for rate in RATES_WPM}
    for engine, heard in (("espeak", espeak), ("piper", piper)):
        print(
            ", ".join(f"{engine} asked {rate}: heard {wpm:.1f} wpm" for rate, wpm in heard.items())
        )
    ratios = [heard / espeak_rate(rate) for rate, heard in espeak.items()]
    factor = ESPEAK_RATE_FACTOR * sum(rate / heard for rate, heard in espeak.items()) / len(espeak)
    print(f"eSpeak NG speaks {min(ratios):.3f}-{max(ratios):.3f} words heard per wpm of its rate "
          f"parameter; ESPEAK_RATE_FACTOR {ESPEAK_RATE_FACTOR:g} -> {factor:.3f}")  # fmt: skip
    low, high = RATES_WPM
    scale = {rate: (NATURAL_WPM / rate) ** RATE_EXPONENT for rate in RATES_WPM}
    power = math.log(piper[high] / piper[low]) / math.log(scale[low] / scale[high])
    natural = piper[low] * scale[low] ** power
    print(f"Piper's pace goes as length scale ** -{power:.3f}, {natural:.0f} wpm at 1: "
          f"NATURAL_WPM {NATURAL_WPM:g} -> {natural:.0f}, "
          f"RATE_EXPONENT {RATE_EXPONENT:g} -> {1 / power:.3f}")  # fmt: skip


if __name__ == "__main__":
    main()

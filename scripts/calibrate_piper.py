"""Calibrate Piper's pace against eSpeak NG's: the figure behind ``piper_engine.NATURAL_WPM``.

Every line of every bundled routine is spoken by both engines at the routine's own rate, trimmed as
the mixer trims it, and the totals compared. Piper's length scale is ``NATURAL_WPM / rate``: its
speech lasts in proportion to ``NATURAL_WPM``, so ``NATURAL_WPM * espeak_total / piper_total``
makes the two totals equal. Run:  python scripts/calibrate_piper.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from voiceguide.routine import bundled_names, load_bundled
from voiceguide.speech import ClipCache, Voice, get_engine, speak_all
from voiceguide.speech.piper_engine import NATURAL_WPM
from voiceguide.speech.prepare import prepare_clip
from voiceguide.timeline import spoken_lines

RATE = 22050


def main() -> None:
    espeak, piper = get_engine("espeak"), get_engine("piper")
    totals = {"espeak": 0.0, "piper": 0.0}
    with tempfile.TemporaryDirectory() as folder:
        cache = ClipCache(Path(folder))
        for name in bundled_names():
            routine = load_bundled(name)
            rate_wpm = routine.voice.rate_wpm or 140
            texts = sorted({line.text for line in spoken_lines(routine)})
            row = []
            for engine in (espeak, piper):
                voice = Voice(engine.default_voice.name, rate_wpm, engine.default_voice.pitch)
                clips = speak_all(engine, voice, texts, cache)
                seconds = sum(
                    len(prepare_clip(clip, sample_rate=RATE)) / RATE for clip in clips.values()
                )
                totals[engine.name] += seconds
                row.append(seconds)
            print(f"{name:<18} {rate_wpm} wpm: espeak {row[0]:6.1f} s, piper {row[1]:6.1f} s")
    ratio = totals["piper"] / totals["espeak"]
    print(f"all routines: piper takes {ratio:.3f}x eSpeak NG's time at the same rate; "
          f"NATURAL_WPM {NATURAL_WPM:g} -> {NATURAL_WPM / ratio:.0f} would make them equal")  # fmt: skip


if __name__ == "__main__":
    main()

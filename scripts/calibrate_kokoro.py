"""Calibrate Kokoro's pace: the figures behind ``kokoro_engine.NATURAL_WPM`` and ``RATE_EXPONENT``.

A rate means the pace a listener hears: words over voiced time (:mod:`voiceguide.sound.activity`).
Kokoro's pace goes as a power of its ``speed`` input: heard = natural * speed ** power. The first
voice's six sample lines (:data:`kokoro_voices.SAMPLE_LINES`) are spoken at 100 and 180 wpm with
the current constants, which gives the power; every other voice is spoken at 140 wpm, which gives
its natural pace. Clips are measured as ready to mix, as in a session. Run:
    python scripts/calibrate_kokoro.py [VOICE ...]
"""

from __future__ import annotations

import math
import sys
import tempfile
from pathlib import Path

from voiceguide.clips import voice_clips
from voiceguide.sound.activity import voiced_s
from voiceguide.speech import ClipCache, Voice, get_engine
from voiceguide.speech.kokoro_engine import NATURAL_WPM, RATE_EXPONENT, speed_for
from voiceguide.speech.kokoro_voices import VOICES, voice_named
from voiceguide.speech.samples import SAMPLE_LINES
from voiceguide.timeline import Line

RATE = 44100


def heard_wpm(voice_name: str, rate_wpm: int, cache: ClipCache) -> float:
    engine = get_engine("kokoro")
    chosen = voice_named(voice_name)
    assert chosen is not None, voice_name
    texts = SAMPLE_LINES[chosen.language]
    clips = voice_clips(engine, Voice(voice_name, rate_wpm, 40), [Line(t) for t in texts], cache,
                        sample_rate=RATE)  # fmt: skip
    words = sum(len(text.split()) for text in texts)
    return words / sum(voiced_s(samples, RATE) for samples in clips.values()) * 60


def main() -> None:
    names = sys.argv[1:] or [voice.name for voice in VOICES]
    with tempfile.TemporaryDirectory() as folder:
        cache = ClipCache(Path(folder))
        first = names[0]
        low, high = (heard_wpm(first, rate, cache) for rate in (100, 180))
        power = math.log(high / low) / math.log(speed_for(first, 180) / speed_for(first, 100))
        print(f"{first}: asked 100 heard {low:.1f}, asked 180 heard {high:.1f}; pace goes as "
              f"speed ** {power:.3f}: RATE_EXPONENT {RATE_EXPONENT:g} -> {1 / power:.3f}")  # fmt: skip
        for name in names:
            heard = heard_wpm(name, 140, cache)
            natural = heard / speed_for(name, 140) ** power
            print(f"{name}: asked 140 heard {heard:.1f}; NATURAL_WPM {NATURAL_WPM[name]:g} -> "
                  f"{natural:.0f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()

"""Measure the recorder's voice activity and trimming on real speech (eSpeak NG lines) placed in
room noise at several levels: when the take stops after the speech, and how far the trimmed take's
edges are from the speech's own (its first and last sample above 1 % of its peak).

    python scripts/measure_vad.py
"""

from __future__ import annotations

import numpy as np
import soxr

from voiceguide.record.takes import VoiceActivity, judge
from voiceguide.speech import VoiceRequest, get_engine, resolve_voice

RATE = 48000
LINES = (
    "Rest your hands, and breathe out slowly.",
    "Slower.",
    "Now switch hands, and give the same care to your left hand.",
    "Find two comfortable seats, facing each other or side by side, in a warm, quiet room.",
)
CHUNK = 960  # what the microphone delivers at a time (20 ms)


def measure(said: np.ndarray, noise_db: float) -> str:
    loud = np.flatnonzero(np.abs(said) > 0.01 * np.max(np.abs(said)))
    rng = np.random.default_rng(3)
    room = 10 ** (noise_db / 20)
    heard = np.concatenate(
        [rng.standard_normal(RATE) * room, said + rng.standard_normal(len(said)) * room,
         rng.standard_normal(5 * RATE) * room]
    ).astype(np.float32)  # fmt: skip
    start, end = RATE + int(loud[0]), RATE + int(loud[-1])
    activity = VoiceActivity(RATE)
    stop = len(heard)
    for at in range(0, len(heard), CHUNK):
        if activity.feed(heard[at : at + CHUNK]):
            stop = at + CHUNK
            break
    verdict = judge(heard[:stop], RATE)
    if verdict.problem is not None:
        return f"refused ({verdict.problem.split(':')[0]})"
    first_ms = (verdict.start_frame - start) / RATE * 1000
    last_ms = (verdict.start_frame + len(verdict.samples) - end) / RATE * 1000
    return f"stop +{(stop - end) / RATE:.2f} s, edges {first_ms:+.0f}/{last_ms:+.0f} ms"


def main() -> None:
    engine = get_engine("espeak")
    voice = resolve_voice(engine, VoiceRequest(rate_wpm=160), "en")
    clips = engine.synthesize(list(LINES), voice)
    for noise_db in (-65.0, -50.0, -40.0):
        for peak in (0.5, 0.05):
            results = []
            for clip in clips:
                said = soxr.resample(clip.samples, clip.sample_rate, RATE).astype(np.float64)
                results.append(measure(said * peak / np.max(np.abs(said)), noise_db))
            print(
                f"room {noise_db:.0f} dBFS, speech peak {20 * np.log10(peak):.0f} dBFS: "
                + "; ".join(results)
            )


if __name__ == "__main__":
    main()

"""Measure the recorder's voice activity and trimming on real speech placed in rooms: white, pink
and brown noise, a fan (50 Hz hum and harmonics over a swaying rush) and pink noise with the speech
reverberated (RT60 0.3 s), at -65 to -45 dBFS, speech at an active level of -23 dBFS. For each
take: when the recorder stops after the speech (it should be 1 s), and how far the trimmed take's
edges are from the speech's own (its first and last sample above 1 % of its peak; the dry
speech's for reverb). Prints a Markdown table.

The thresholds were tuned on eSpeak NG's voice (``--voice espeak``); the table to quote is the
Piper voice's (``--voice piper``, the default), speech they were not tuned on.

    python scripts/measure_vad.py [--voice piper|espeak] [--levels -65,-55,-50,-45]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import soxr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/rooms.py, this tree's code

from tests.rooms import RATE, ROOMS, active_level_dbfs, in_room
from voiceguide.record.takes import VoiceActivity, judge
from voiceguide.speech import VoiceRequest, get_engine, resolve_voice

LINES = (
    "Rest your hands, and breathe out slowly.",
    "Slower.",
    "Now switch hands, and give the same care to your left hand.",
    "Find two comfortable seats, facing each other or side by side, in a warm, quiet room.",
    "Ask whether the pressure is right. Adjust, and keep going.",
    "Check in. Would they like it a little firmer, or lighter?",
)
SPEECH_DBFS = -23.0
CHUNK = 960  # what the microphone delivers at a time (20 ms)
SEEDS = (0, 1)


def measure(
    said: np.ndarray, room: str, level_dbfs: float, seed: int
) -> tuple[float, float, float] | str:
    """(stop after the speech in s, start edge error in ms, end edge error in ms), or why refused."""
    heard, start, end = in_room(said, room, level_dbfs, before_s=0.8, after_s=6.0, seed=seed)
    heard32 = heard.astype(np.float32)
    activity = VoiceActivity(RATE)
    stop = len(heard32)
    for at in range(0, len(heard32), CHUNK):
        if activity.feed(heard32[at : at + CHUNK]):
            stop = at + CHUNK
            break
    verdict = judge(heard32[:stop], RATE)
    if verdict.problem is not None:
        return verdict.problem.split(":")[0]
    first_ms = (verdict.start_frame - start) / RATE * 1000
    last_ms = (verdict.start_frame + len(verdict.samples) - end) / RATE * 1000
    return (stop - end) / RATE, first_ms, last_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voice", choices=("piper", "espeak"), default="piper")
    parser.add_argument("--levels", default="-65,-55,-50,-45")
    args = parser.parse_args()
    engine = get_engine(args.voice)
    voice = resolve_voice(engine, VoiceRequest(rate_wpm=150), "en")
    clips = engine.synthesize(list(LINES), voice)
    speech = []
    for clip in clips:
        said = soxr.resample(clip.samples, clip.sample_rate, RATE).astype(np.float64)
        speech.append(said * 10 ** ((SPEECH_DBFS - active_level_dbfs(said)) / 20))
    print(
        f"{args.voice} voice, {len(LINES)} lines x {len(SEEDS)} noise seeds, speech {SPEECH_DBFS:.0f} dBFS"
    )
    print()
    print(
        "| room | noise dBFS | stop after speech (s) | start edge (ms) | end edge (ms) | worst edge (ms) | refused |"
    )
    print("|---|---|---|---|---|---|---|")
    for room in ROOMS:
        for level_dbfs in (float(value) for value in args.levels.split(",")):
            results = [measure(said, room, level_dbfs, seed) for said in speech for seed in SEEDS]
            kept = [result for result in results if not isinstance(result, str)]
            refused = [result for result in results if isinstance(result, str)]
            if not kept:
                print(
                    f"| {room} | {level_dbfs:.0f} | - | - | - | - | {len(refused)} ({refused[0]}) |"
                )
                continue
            stops, firsts, lasts = (np.array(values) for values in zip(*kept, strict=True))
            worst = max(np.abs(firsts).max(), np.abs(lasts).max())
            print(
                f"| {room} | {level_dbfs:.0f} | {stops.min():.2f} to {stops.max():.2f} "
                f"| {firsts.min():+.0f} to {firsts.max():+.0f} | {lasts.min():+.0f} to {lasts.max():+.0f} "
                f"| {worst:.0f} | {len(refused)}{' (' + refused[0] + ')' if refused else ''} |"
            )


if __name__ == "__main__":
    main()

"""Benchmark the Kokoro voices: a cold export beside Kokoro alone, the pace heard per voice, and
the memory of the whole process tree.

1. ``export``: a cold ``voiceguide export ROUTINE --engine kokoro`` (fresh process, empty clip cache;
   ``--engine piper`` for Piper, ``--formats wav,mp3`` for one export per format, each cold)
   beside "Kokoro alone": a fresh process that starts the same helper and speaks the same lines at
   the same paces (the routine's rate, the wind-down's slower one), all of a pace in one request,
   and nothing else (no cache, leveling, mixing or encoding). Both use the same helper: two forked
   one-thread workers (one per core, ``helper_jobs()``). Wall and CPU time (user + system,
   children included), and the peak of the process tree's memory (PSS summed, sampled every
   0.1 s). Target: export <= 1.15x alone.
2. ``pace``: every Kokoro voice says the six sample lines of its language
   (:mod:`voiceguide.speech.samples`) at 100 and 180 wpm, finished as in a session; the pace heard
   (words over voiced time) against the pace asked. Target: within 10 %.
3. ``memory``: ``voiceguide show`` of one 4,995-character sentence with Kokoro; the tree's peak.
   Target: under 1 GB.
4. ``engines``: why the default order. Each English voice (Kokoro's, Piper's, eSpeak NG's) says
   the six English sample lines at 140 wpm from a warm helper: the real-time factor (seconds to
   make a second of speech), the word error rate of pocketsphinx (its US English model, a general
   vocabulary: a stand-in for a listener, not a command recognizer) and the peak memory of this
   process and its helpers.

Run:  python scripts/bench_voices.py [export] [pace] [memory] [engines] [--routine bedtime-hands]
      [--voices a,b]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.proctree

from tests.proctree import descendants, pss_bytes
from voiceguide.speech.worker import helper_jobs

SAMPLE_EVERY_S = 0.1  # reading every process's PSS costs CPU: 20 ms took 14 % of a core

_ALONE = """
import json, sys, time
from voiceguide import api
from voiceguide.speech import get_engine
from voiceguide.speech.voicing import resolve_voice, VoiceRequest
from voiceguide.clips import _scaled
from voiceguide.timeline import Line
routine = api.load(sys.argv[1])
session_settings = api.resolve(routine, api.SessionOptions(engine=sys.argv[2]))
engine = get_engine(sys.argv[2])
voice = resolve_voice(engine, VoiceRequest(None, session_settings.rate_wpm.value, None), routine.language)
from voiceguide.timeline import spoken_lines
groups = {}
for line in spoken_lines(routine):
    groups.setdefault(line.rate_scale, []).append(line.text)
start = time.perf_counter()
seconds = 0.0
for scale, texts in groups.items():  # each pace's lines in one request: both workers always busy
    clips = engine.synthesize(texts, _scaled(voice, Line("", scale)))
    seconds += sum(clip.duration_s for clip in clips)
print(json.dumps([time.perf_counter() - start, seconds, sum(len(t) for t in groups.values())]))
"""


def run_watched(command: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """Wall time, CPU time (the process and its children), tree peak (MB), stdout."""
    start = time.perf_counter()
    before = os.times()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.PIPE)
        peak = 0
        while process.poll() is None:
            peak = max(peak, sum(pss_bytes(pid) for pid in descendants(process.pid)))
            time.sleep(SAMPLE_EVERY_S)
        wall_s = time.perf_counter() - start
        after = os.times()
        errors = process.stderr.read().decode() if process.stderr else ""
        if process.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed: {errors}")
        out.seek(0)
        cpu_s = (after.children_user - before.children_user) + (
            after.children_system - before.children_system
        )
        return wall_s, cpu_s, peak / 1e6, out.read().decode()


def bench_export(
    routine: str, engine: str = "kokoro", suffixes: tuple[str, ...] = ("mp3",)
) -> None:
    """A cold export of ``routine`` with ``engine`` to each of ``suffixes`` beside the engine
    alone speaking the same lines (each in a fresh process and an empty cache)."""
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "VOICEGUIDE_CACHE_DIR": str(Path(folder) / "cache")}
        env.pop("VOICEGUIDE_ENGINE_ORDER", None)
        if engine == "kokoro":
            from voiceguide.speech.kokoro_model import model_path

            model_path()  # the model joined before timing (once per machine)
        alone_s, alone_cpu, alone_mb, said = run_watched(
            [sys.executable, "-c", _ALONE, routine, engine], env
        )
        _, speech_s, lines = json.loads(said.strip().splitlines()[-1])
        exports = []
        for suffix in suffixes:
            shutil.rmtree(Path(folder) / "cache", ignore_errors=True)  # cold again
            out = Path(folder) / f"session.{suffix}"
            export = [sys.executable, "-m", "voiceguide", "export", routine, "--engine", engine,
                      "-o", str(out), "--force"]  # fmt: skip
            exports.append((suffix, *run_watched(export, env)[:3]))
    print(f"{routine}: {lines} lines, {speech_s:.0f} s of speech; {engine} helper: "
          f"{os.cpu_count()} cores, {helper_jobs()} forked one-thread workers; load average "
          f"{os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"{'':<22} {'wall s':>8} {'CPU s':>8} {'tree MB':>8}")
    print(f"{engine + ' alone':<22} {alone_s:>8.1f} {alone_cpu:>8.1f} {alone_mb:>8.0f}")
    for suffix, export_s, export_cpu, export_mb in exports:
        print(f"{f'cold export ({suffix})':<22} {export_s:>8.1f} {export_cpu:>8.1f} "
              f"{export_mb:>8.0f}   {export_s / alone_s:.2f}x wall, "
              f"{export_cpu / alone_cpu:.2f}x CPU")  # fmt: skip
    print(
        f"real-time factor alone {alone_s / speech_s:.3f} (wall), {alone_cpu / speech_s:.3f} (CPU)"
    )


def bench_pace(names: list[str]) -> None:
    from voiceguide.clips import voice_clips
    from voiceguide.sound.activity import voiced_s
    from voiceguide.speech import ClipCache, Voice, get_engine
    from voiceguide.speech.kokoro_voices import VOICES, voice_named
    from voiceguide.speech.samples import sample_lines
    from voiceguide.timeline import Line

    rate = 44100
    engine = get_engine("kokoro")
    worst = 0.0
    print(f"{'voice':<11} {'language':<8} {'asked':>5} {'heard':>6} {'error':>6}")
    with tempfile.TemporaryDirectory() as folder:
        cache = ClipCache(Path(folder))
        for name in names or [voice.name for voice in VOICES]:
            chosen = voice_named(name)
            assert chosen is not None, name
            texts = sample_lines(chosen.language)
            words = sum(len(text.split()) for text in texts)
            for asked in (100, 180):
                clips = voice_clips(engine, Voice(name, asked, 40), [Line(t) for t in texts],
                                    cache, sample_rate=rate)  # fmt: skip
                heard = words / sum(voiced_s(samples, rate) for samples in clips.values()) * 60
                error = heard / asked - 1
                worst = max(worst, abs(error))
                print(f"{name:<11} {chosen.language:<8} {asked:>5} {heard:>6.1f} {error:>+6.1%}",
                      flush=True)  # fmt: skip
    print(f"worst: {worst:.1%} (target <= 10 %)")


def bench_memory() -> None:
    words = ["rest", "your", "hands", "and", "breathe", "out", "slowly.", "soften", "the", "palm."]
    text = " ".join(words[index % len(words)] for index in range(1000))[:4995].rstrip()
    with tempfile.TemporaryDirectory() as folder:
        routine = Path(folder) / "long.yaml"
        routine.write_text(
            "title: Long\ndescription: One long sentence.\naudience: self\nlanguage: en\n"
            f"steps:\n  - id: long\n    title: Long\n    duration: 20m\n    say: {text}\n",
            encoding="utf-8",
        )
        env = {**os.environ, "VOICEGUIDE_CACHE_DIR": str(Path(folder) / "cache")}
        command = [sys.executable, "-m", "voiceguide", "show", str(routine), "--engine", "kokoro"]
        wall_s, cpu_s, peak_mb, _ = run_watched(command, env)
    print(f"one {len(text):,}-character sentence with Kokoro: {wall_s:.0f} s, CPU {cpu_s:.0f} s, "
          f"process tree peak {peak_mb:.0f} MB (target < 1000)")  # fmt: skip


ENGLISH_VOICES = (
    ("kokoro", "af_heart"), ("kokoro", "am_michael"), ("kokoro", "bf_emma"),
    ("piper", "en_US-joe-medium"), ("espeak", "en-us+f3"),
)  # fmt: skip


def word_errors(said: list[str], heard: list[str]) -> int:
    """Words substituted, left out or added: the edit distance between the two word lists."""
    row = list(range(len(heard) + 1))
    for index, word in enumerate(said, 1):
        previous, row[0] = row[0], index
        for column, other in enumerate(heard, 1):
            previous, row[column] = (
                row[column],
                min(row[column] + 1, row[column - 1] + 1, previous + (word != other)),
            )
    return row[-1]


def heard_words(samples: object, sample_rate: int) -> list[str]:
    import numpy as np
    import soxr
    from pocketsphinx import Decoder

    audio = soxr.resample(np.asarray(samples, dtype=np.float64), sample_rate, 16000)
    decoder = Decoder(loglevel="FATAL")
    decoder.start_utt()
    decoder.process_raw((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes(), full_utt=True)
    decoder.end_utt()
    hypothesis = decoder.hyp()
    return hypothesis.hypstr.split() if hypothesis else []


def _sample_memory(peak: list[int], done: threading.Event) -> None:
    """The most this process and its helpers held at once (PSS), until ``done``."""
    while True:  # (once at least: eSpeak NG says six lines in less than a sampling period)
        peak[0] = max(peak[0], sum(pss_bytes(pid) for pid in descendants(os.getpid())))
        if done.wait(SAMPLE_EVERY_S):
            return


def bench_engines() -> None:
    from voiceguide.speech import Voice, get_engine
    from voiceguide.speech.samples import sample_lines
    from voiceguide.speech.worker import Zygote

    texts = list(sample_lines("en-us"))
    said = [[w.strip(",.").lower() for w in text.split()] for text in texts]
    print(f"{'engine':<7} {'voice':<17} {'RTF':>5} {'WER':>6} {'peak MB':>8}")
    for engine_name, voice_name in ENGLISH_VOICES:
        engine = get_engine(engine_name)
        voice = Voice(voice_name, 140, engine.default_voice.pitch)
        engine.synthesize(["Warm up."], voice)  # the helper started and its model loaded
        peak = [0]
        done = threading.Event()
        watcher = threading.Thread(target=_sample_memory, args=(peak, done))
        watcher.start()
        start = time.perf_counter()
        clips = engine.synthesize(texts, voice)
        took_s = time.perf_counter() - start
        done.set()
        watcher.join()
        speech_s = sum(clip.duration_s for clip in clips)
        errors = sum(
            word_errors(words, heard_words(clip.samples, clip.sample_rate))
            for words, clip in zip(said, clips, strict=True)
        )
        rate = errors / sum(len(words) for words in said)
        print(f"{engine_name:<7} {voice_name:<17} {took_s / speech_s:>5.2f} {rate:>6.1%} "
              f"{peak[0] / 1e6:>8.0f}", flush=True)  # fmt: skip
        Zygote.stop()  # the next engine's memory alone


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("parts", nargs="*", default=["export", "pace", "memory", "engines"])
    parser.add_argument("--routine", default="bedtime-hands")
    parser.add_argument("--engine", default="kokoro", help="export: the engine (kokoro, piper...)")
    parser.add_argument("--formats", default="mp3", help="export: comma-separated (mp3,wav)")
    parser.add_argument("--voices", default="", help="comma-separated (default: every voice)")
    args = parser.parse_args()
    if "export" in args.parts:
        bench_export(args.routine, args.engine, tuple(args.formats.split(",")))
    if "pace" in args.parts:
        bench_pace([name for name in args.voices.split(",") if name])
    if "memory" in args.parts:
        bench_memory()
    if "engines" in args.parts:
        bench_engines()


if __name__ == "__main__":
    main()

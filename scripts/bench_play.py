"""Benchmark: time from the `voiceguide play` command to its first audio frame.

The player runs for real (miniaudio into ALSA) with an ALSA configuration that writes what is
played to a file; the first frame has reached ALSA when that file first grows. Measured for the
20-minute partner-hands with a warm clip cache and a cold one (best of three each), with each
engine. A cold start plays the first step while the rest is spoken (an early start).
Targets on a 2-core machine: warm <= 0.5 s; cold <= 1.5 s with eSpeak NG, <= 3 s with Piper
(its model load included). Run:  python scripts/bench_play.py [--engine piper|espeak]

With ``--night``: the first sound (the first sample that is not silence) of
``play partner-hands --minutes 25 --rate 110`` with a cold cache, best of three, with each engine:
every line must be spoken before the session is known exactly, so this is the early start laid out
from estimated line lengths. Target: <= 2 s on an idle 2-core machine.
    python scripts/bench_play.py --night [--engine piper|espeak]

With ``--listen``: voice commands beside playback. ``play ROUTINE --minutes M`` runs twice, with
``--listen`` and without, on a sound card that runs in real time (tests/clocked.py: ALSA's file
plugin on FIFOs that this script drains and fills at the sample rate, as a card's clock would);
the microphone hears the session from the speaker at a loudspeaker's echo level (-12 dB) over room
noise (-55 dBFS), and commands said where the guide is silent ("softer" and "louder" in turn, by
the Piper voice at -20 dBFS: they leave the session's position alone). Prints the underruns the
card counted (and those within 2 s of a command being decoded: from the word's end to 3 s after
it), and the player's CPU (user + system) while it played, as a share of one core; ``--busy N``
runs N busy loops beside it. First, in this process: a 5 ms ticker thread's longest stall while
commands are decoded, in the decoder's helper process (as the player does) and, for comparison,
in this process.
    python scripts/bench_play.py --listen [--routine desk-break] [--minutes 4] [--busy 1]

With ``--listen --cold``: each play starts with an empty clip cache, so the rest of the session is
spoken while it plays (an early start), by the default engine of the routine's language (Kokoro
for English, when installed): first without ``--listen`` (its cache then places the commands),
then with it in a fresh cache.
    python scripts/bench_play.py --listen --cold --routine bedtime-hands --minutes 0
"""

from __future__ import annotations

import argparse
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROUTINE = "partner-hands"
PROGRESS = re.compile(r"(preparing .*?: )?[a-z]+ \d+(?: of |/)\d+\b.*")  # (tests/conftest.py)


NIGHT = ("--minutes", "25", "--rate", "110")


def first_frame_s(
    home: Path,
    cache: Path,
    engine: str,
    extra: tuple[str, ...] = (),
    sound: bool = False,
    cpu: list[float] | None = None,
) -> float:
    """Seconds to the first frame played (``sound``: the first frame that is not silence); the
    player's own CPU seconds until then are added to ``cpu`` (a busy machine's wall time is not
    the player's, its CPU time is)."""
    captured = home / "played.raw"
    captured.unlink(missing_ok=True)
    env = {**os.environ, "HOME": str(home), "VOICEGUIDE_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "voiceguide", "play", ROUTINE, "--engine", engine, "--quiet", *extra],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        while True:
            if (
                captured.exists()
                and captured.stat().st_size > 0
                and (not sound or _sounded(captured))
            ):
                took_s = time.perf_counter() - start
                if cpu is not None:
                    cpu.append(cpu_seconds(process.pid))
                return took_s
            if process.poll() is not None:
                errors = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"the player ended first: {errors}")
            time.sleep(0.002)
    finally:
        process.kill()
        process.wait()


def _alsa_file(home: Path) -> None:
    """ALSA's default device, for a program run with ``HOME=home``: what it plays, in a file."""
    played = home / "played.raw"
    (home / ".asoundrc").write_text(
        f'pcm.!default {{\n  type file\n  slave.pcm "null"\n  file "{played}"\n  format "raw"\n}}\n'
    )


def _sounded(captured: Path) -> bool:
    with captured.open("rb") as played:
        data = played.read(1 << 24)
    import numpy as np

    samples = np.frombuffer(data[: len(data) // 4 * 4], dtype="<f4")
    return bool(np.any(np.abs(samples) > 1e-4))


def night_main(argv: list[str]) -> None:
    engines = argv[argv.index("--engine") + 1 :][:1] if "--engine" in argv else ["piper", "espeak"]
    for engine in engines:
        with tempfile.TemporaryDirectory() as folder:
            home = Path(folder)
            _alsa_file(home)
            cpu: list[float] = []
            runs = [
                first_frame_s(home, home / f"cold-{run}", engine, NIGHT, sound=True, cpu=cpu)
                for run in range(3)
            ]
        print(
            f"first sound, {ROUTINE} {' '.join(NIGHT)}, {engine}, cold cache: {min(runs):.2f} s "
            f"(best of {', '.join(f'{r:.2f}' for r in runs)}; target <= 2 s idle); the player's "
            f"CPU time until then {min(cpu):.2f} s; load average {os.getloadavg()[0]:.1f}"
        )


def main() -> None:
    if "--listen" in sys.argv:
        listen_main(sys.argv[1:])
        return
    if "--night" in sys.argv:
        night_main(sys.argv[1:])
        return
    engines = sys.argv[2:3] if sys.argv[1:2] == ["--engine"] else ["piper", "espeak"]
    for engine in engines:
        cold, warm = measure(engine)
        target = 3.0 if engine == "piper" else 1.5
        print(f"first audio frame, {ROUTINE}, {engine}: warm cache {warm:.2f} s (target <= 0.5 s), "
              f"cold cache {cold:.2f} s (target <= {target:g} s)")  # fmt: skip


def measure(engine: str) -> tuple[float, float]:
    """Best of three, cold then warm."""
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        (home / ".asoundrc").write_text(
            f'pcm.!default {{\n  type file\n  slave.pcm "null"\n  file "{home / "played.raw"}"\n  format "raw"\n}}\n'
        )
        cold = [first_frame_s(home, home / f"cold-{run}", engine) for run in range(3)]
        warm_cache = home / "warm"
        subprocess.run(  # every line spoken and the session measured: a warm cache
            [sys.executable, "-m", "voiceguide", "show", ROUTINE, "--engine", engine],
            env={**os.environ, "VOICEGUIDE_CACHE_DIR": str(warm_cache)},
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        warm = [first_frame_s(home, warm_cache, engine) for _ in range(3)]
    return min(cold), min(warm)


def listen_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench_play.py --listen")
    parser.add_argument("--listen", action="store_true")
    parser.add_argument("--routine", default="desk-break")
    parser.add_argument("--minutes", default="4", help="0: the routine's own length")
    parser.add_argument("--busy", type=int, default=0, help="busy loops running beside the player")
    parser.add_argument(
        "--cold", action="store_true", help="each play with an empty clip cache (an early start)"
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/clocked.py
    busy = [
        subprocess.Popen([sys.executable, "-c", "while 1: pass"]) for _ in range(args.busy)
    ]  # fmt: skip
    try:
        commands = said_commands()
        with tempfile.TemporaryDirectory() as folder:
            cache = Path(folder) / "cache"
            env = {**os.environ, "VOICEGUIDE_CACHE_DIR": str(cache)}
            runs = (False, True) if args.cold else (True, False)
            if not args.cold:
                subprocess.run(  # every line spoken and the session measured: a warm cache
                    [sys.executable, "-m", "voiceguide", "show", args.routine, *length(args)],
                    env=env, check=True, stdout=subprocess.DEVNULL,
                )  # fmt: skip
                said, texts = schedule(args, cache, commands)
                print_stalls(args, commands, texts)
            else:
                said = []
            for listen in runs:
                home = Path(folder) / f"home-{listen}"
                home.mkdir()
                played_cache = Path(folder) / f"cache-{listen}" if args.cold else cache
                if args.cold and listen:  # the first play's cache places the commands
                    said, texts = schedule(args, Path(folder) / "cache-False", commands)
                    print_stalls(args, commands, texts)
                started = time.monotonic()
                played_s, cpu_s, underruns, lines = listened(
                    home, played_cache, args, listen, said if listen else []
                )
                if args.cold:
                    lines.append(
                        f"cold cache: played {played_s:.0f} s of {time.monotonic() - started:.0f} s "
                        f"from the command; load average {os.getloadavg()[0]:.1f}"
                    )
                missing_ms = 1000 * sum(u.missing_s for u in underruns)
                near = [
                    u for u in underruns if any(0 <= u.at_s - end_s <= 3 for _, end_s, _ in said)
                ]
                print(
                    f"{args.routine} --minutes {args.minutes}, {'with' if listen else 'without'} "
                    f"--listen, {args.busy} busy loops beside: {played_s:.0f} s played, "
                    f"{len(said)} commands said, "
                    f"{len(underruns)} underruns ({missing_ms:.0f} ms missing), "
                    f"{len(near)} within 2 s of a decoded command, player CPU "
                    f"{100 * cpu_s / played_s:.1f} % of one core"
                )
                if underruns:
                    print("  underruns at " + ", ".join(
                        f"{u.at_s:.1f} s ({1000 * u.missing_s:.0f} ms)" for u in underruns[:20]
                    ))  # fmt: skip
                progress = [line for line in lines if PROGRESS.fullmatch(line.strip())]
                if progress:  # the speaking's progress lines: the first and last only
                    print(f"  {progress[0].strip()} ... {progress[-1].strip()}")
                for line in lines:
                    if line not in progress:
                        print(f"  {line}")
    finally:
        for process in busy:
            process.kill()
            process.wait()


def print_stalls(args: argparse.Namespace, commands: dict[str, Any], texts: list[str]) -> None:
    for where, doing in STALLS.items():
        longest_ms, decoded = stalls(commands, texts, where)
        print(
            f"{args.busy} busy loops beside: {doing} ({decoded} commands decoded): "
            f"the ticker's longest stall {longest_ms:.0f} ms"
        )


def said_commands() -> dict[str, Any]:
    """ "softer" and "louder" by the Piper voice, 16 kHz, at about -20 dBFS RMS."""
    import numpy as np
    import soxr

    from voiceguide.speech.voicing import get_engine

    engine = get_engine("piper")
    words = ("softer", "louder")
    clips = engine.synthesize(list(words), engine.default_voice)
    found = {}
    for word, clip in zip(words, clips, strict=True):
        samples = soxr.resample(clip.samples, clip.sample_rate, 16000).astype(np.float32)
        found[word] = samples * 0.1 / float(np.sqrt(np.mean(samples**2)))
    return found


STALLS = {
    "none": "room noise only, nothing to decode (the machine's own stalls)",
    "helper": "commands decoded in the helper process (as the player does)",
    "here": "commands decoded in this process (as before)",
}


def stalls(commands: dict[str, Any], texts: list[str], where: str) -> tuple[float, int]:
    """A 5 ms ticker thread's longest stall (ms) while each command, in room noise, is fed to a
    recognizer deciding ``where`` ("helper": its process; "here": this one; "none": the room
    noise alone); commands decoded."""
    import threading

    import numpy as np

    from voiceguide.listen.decoder_process import DecoderProcess
    from voiceguide.listen.recognizer import Recognizer

    helper = DecoderProcess(texts, wake=False) if where == "helper" else None
    recognizer = Recognizer(texts, wake=False, decider=helper)
    rng = np.random.default_rng(2)
    gaps: list[float] = []
    feeding = threading.Event()
    done = threading.Event()

    def tick() -> None:
        last = time.perf_counter()
        while not done.is_set():
            time.sleep(0.005)
            now = time.perf_counter()
            if feeding.is_set():
                gaps.append(now - last)
            last = now

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    decoded = 0
    try:
        for _ in range(3):
            for samples in commands.values():
                quiet = np.zeros(16000, np.float32)
                said = samples if where != "none" else np.zeros_like(samples)
                audio = np.concatenate([quiet, said, quiet, quiet])
                audio += rng.standard_normal(len(audio)).astype(np.float32) * 10 ** (-55 / 20)
                pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
                feeding.set()
                for start in range(0, len(pcm), 3200):  # the microphone's 100 ms
                    decoded += len(recognizer.feed(pcm[start : start + 3200]))
                feeding.clear()
                time.sleep(0.05)
    finally:
        done.set()
        ticker.join()
        if helper is not None:
            helper.close()
    return 1000 * max(gaps, default=0.0), decoded


def schedule(
    args: argparse.Namespace, cache: Path, commands: dict[str, Any]
) -> tuple[list[tuple[str, float, Any]], list[str]]:
    """Where the commands are said (word, its end in session seconds, samples): in turn, in
    the guide's silences (the gate open over the word), at most one every 15 s; and the
    session's texts (what the player gives its recognizer)."""
    from voiceguide import api
    from voiceguide.listen.gate import Gate
    from voiceguide.listen.listener import voice_spans

    minutes = None if float(args.minutes) == 0 else float(args.minutes)
    options = api.SessionOptions(minutes=minutes, cache_dir=cache)
    timeline = api.prepare(api.load(args.routine), options).timeline
    gate = Gate(voice_spans(timeline))
    said: list[tuple[str, float, Any]] = []
    at_s, words = 5.0, list(commands)
    while at_s < timeline.total_s - 5:
        word = words[len(said) % len(words)]
        end_s = at_s + len(commands[word]) / 16000
        if gate.open(at_s - 0.5, end_s + 0.5):
            said.append((word, end_s, commands[word]))
            at_s += 15.0
        else:
            at_s += 0.25
    return said, [event.text for event in timeline.events]


def listened(
    home: Path,
    cache: Path,
    args: argparse.Namespace,
    listen: bool,
    said: list[tuple[str, float, Any]],
) -> tuple[float, float, list[Any], list[str]]:
    """Play once on a card that runs in real time: seconds played, CPU seconds meanwhile, the
    underruns, and what the player said on stderr."""
    from tests.clocked import ClockedCard
    from voiceguide.render.mix import SAMPLE_RATE

    hear, echo = echo_microphone(said=said)
    card = ClockedCard(home, hear, rate=SAMPLE_RATE)
    env = {**card.env, "VOICEGUIDE_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "voiceguide", "play", args.routine, *length(args)]
    process = subprocess.Popen(
        [*command, *(["--listen"] if listen else [])],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    first = last = None
    try:
        while process.poll() is None and not card.eof.is_set():
            if card.speaker_started is not None:
                last = (time.monotonic(), cpu_seconds(process.pid))
                first = first or last
            time.sleep(0.5)
        _, errors = process.communicate(timeout=60)
    finally:
        process.kill()
        process.wait()
        card.close()
    assert first is not None and last is not None, errors
    level_db = 10 * math.log10(max(1e-12, echo["squares"] / max(1.0, echo["samples"])))
    lines = errors.splitlines()
    if card.card_stalls:
        lines.append(
            f"the card itself was held up {len(card.card_stalls)} times "
            f"({sum(card.card_stalls):.2f} s in all; its clock paused meanwhile)"
        )
    if echo["samples"]:
        lines.append(f"the speaker at the microphone: {level_db:.1f} dBFS RMS")
    return last[0] - first[0], last[1] - first[1], card.underruns, lines


def length(args: argparse.Namespace) -> list[str]:
    return [] if float(args.minutes) == 0 else ["--minutes", args.minutes]


def cpu_seconds(pid: int) -> float:
    """User and system time of a running process (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def echo_microphone(
    echo_db: float = -12.0, room_db: float = -55.0, said: Sequence[tuple[str, float, Any]] = ()
) -> tuple[Any, dict[str, float]]:
    """What a microphone in the room hears: the speaker (as it plays, downmixed), room noise and
    the commands ``said`` (word, its end in seconds from the speaker's start, samples); and the
    echo's sum of squares and sample count, as it goes."""
    import numpy as np

    rng = np.random.default_rng(1)
    gain = 10 ** (echo_db / 20)
    echo = {"squares": 0.0, "samples": 0.0}

    def hear(first: int, count: int, card: Any) -> Any:
        heard = rng.standard_normal(count) * 10 ** (room_db / 20)
        if card.speaker_started is not None:
            at_s = card.microphone_opens[-1] - card.speaker_started
            frames = (at_s + (first + np.arange(count)) / card.mic_rate) * card.rate
            low = max(0, int(frames[0]))
            block = card.played_at(low, int(frames[-1]) - low + 2).mean(axis=1)
            speaker = gain * np.interp(frames - low, np.arange(len(block)), block, left=0.0)
            echo["squares"] += float(np.sum(speaker**2))
            echo["samples"] += count
            heard += speaker
            for _, end_s, samples in said:  # (16 kHz, as the microphone)
                offset = round((at_s - end_s) * card.mic_rate) + len(samples) + first
                low, high = max(0, offset), min(len(samples), offset + count)
                if low < high:
                    heard[low - offset : high - offset] += samples[low:high]
        return np.rint(np.clip(heard, -1, 1) * 32767).astype(np.int16)

    return hear, echo


if __name__ == "__main__":
    main()

"""Where the time to the first sound goes: ``play partner-hands --minutes 25 --rate 110`` with a
cold cache (as ``bench_play.py --night``), each stage's wall clock and the process's CPU time when
it began and ended, until the first sample that is not silence reaches ALSA (a file, as in
bench_play.py). The player runs in a child process whose stages are timed by wrapping the
functions that do them (the code itself is not changed).

    python scripts/first_sound_breakdown.py [--engine piper|espeak] [--runs 3]

Prints the run with the earliest first sound: seconds from the child's start, the thread, the
stage (``>`` begins, ``<`` ends) and the CPU seconds the process had used then.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NIGHT = ("play", "partner-hands", "--quiet", "--minutes", "25", "--rate", "110")
STAGES = (  # (module, attribute, what it does); a class attribute is "Class.method"
    ("voiceguide.api", "load", "the routine read"),
    ("voiceguide.player.backends", "MiniaudioBackend.open", "the sound device opened"),
    ("voiceguide.preparing.early", "resolve", "settings resolved"),
    ("voiceguide.preparing.early", "load_bed", "the soundscape decoded and measured"),
    ("voiceguide.preparing.early", "voicing", "the engine and voice chosen"),
    ("voiceguide.clips", "cached_clips", "the cache looked up (clip keys)"),
    ("voiceguide.preparing.early", "draft_session", "the first plan laid out and leveled"),
    ("voiceguide.player.run", "play", "play() until the device starts"),
    ("voiceguide.render.mix", "MixRenderer.__init__", "the renderer built"),
    ("voiceguide.player.backends", "MiniaudioBackend.start", "the device started"),
)


def child(played: Path) -> None:
    """In the player's process: time the stages, watch the played file, print when it sounds."""
    start = time.perf_counter()
    log: list[str] = []

    def mark(text: str) -> None:
        log.append(
            f"{time.perf_counter() - start:7.3f} s  cpu {time.process_time():6.3f} s  "
            f"{threading.current_thread().name[:22]:22s} {text}"
        )

    def watch() -> None:
        import numpy as np

        while True:
            if played.exists() and played.stat().st_size:
                data = played.read_bytes()
                if np.any(np.abs(np.frombuffer(data[: len(data) // 4 * 4], "<f4")) > 1e-4):
                    mark("first sound")
                    sys.stdout.write("\n".join(log) + "\n")
                    sys.stdout.flush()
                    os._exit(0)
            time.sleep(0.002)

    threading.Thread(target=watch, daemon=True).start()
    import importlib

    import voiceguide.cli

    mark("voiceguide.cli imported")
    for module_name, attribute, doing in STAGES:
        module = importlib.import_module(module_name)
        owner: Any = module
        name = attribute
        if "." in attribute:
            class_name, name = attribute.split(".")
            owner = getattr(module, class_name)
        setattr(owner, name, _timed(getattr(owner, name), doing, mark))
    mark("the player's modules imported")
    sys.argv = ["voiceguide", *sys.argv[3:]]
    voiceguide.cli.main()


def _timed(function: Callable[..., Any], doing: str, mark: Callable[[str], None]) -> Any:
    def timed(*args: Any, **kwargs: Any) -> Any:
        mark(f"> {doing}")
        try:
            return function(*args, **kwargs)
        finally:
            mark(f"< {doing}")

    return timed


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        child(Path(sys.argv[2]))
        return
    engine = sys.argv[sys.argv.index("--engine") + 1] if "--engine" in sys.argv else "piper"
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
    best: tuple[float, str] | None = None
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        played = home / "played.raw"
        (home / ".asoundrc").write_text(
            f'pcm.!default {{\n  type file\n  slave.pcm "null"\n  file "{played}"\n  format "raw"\n}}\n'
        )
        for run in range(runs):
            played.unlink(missing_ok=True)
            env = {
                **os.environ, "HOME": str(home), "VOICEGUIDE_CACHE_DIR": str(home / f"cold-{run}"),
                "PYTHONPATH": str(ROOT),
            }  # fmt: skip
            began = time.perf_counter()
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(played), *NIGHT, "--engine", engine],
                env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
            )  # fmt: skip
            took_s = time.perf_counter() - began
            if "first sound" not in done.stdout:
                raise SystemExit(f"the player ended without a sound: {done.stderr}")
            if best is None or took_s < best[0]:
                best = (took_s, done.stdout)
    assert best is not None
    print(
        f"{' '.join(NIGHT)} --engine {engine}, cold cache: first sound {best[0]:.2f} s after the "
        f"command (best of {runs}; the child's clock starts after the interpreter's own start); "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(best[1], end="")


if __name__ == "__main__":
    main()

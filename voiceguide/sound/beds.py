"""Soundscapes: the bundled beds, and a user's own audio file made into a seamless loop.

Bundled beds are exact loops made by ``scripts/make_soundscapes.py``. A user's file is decoded by
libsndfile (WAV, FLAC, Ogg Vorbis/Opus, MP3) or, for what libsndfile cannot read (M4A/AAC and
others), by ffmpeg from the system or the ``imageio-ffmpeg`` package; its end is cross-faded into its
beginning with an equal-power fade so it loops without a seam.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile
import soxr

from voiceguide.errors import InputError
from voiceguide.sound.decode import decode_file
from voiceguide.sound.decode import find_ffmpeg as find_ffmpeg
from voiceguide.sound.loudness import integrated_lufs

Samples = npt.NDArray[np.float32]

LOUDNESS_METHOD = 1  # bump when a loop or its measurement changes: the cached loudness goes
MAX_LOOP_S = 180.0  # a longer file is cut here (a 3-minute loop is long enough not to be noticed)
CROSSFADE_S = 3.0
MIN_LOOP_S = 2.0


@dataclass(frozen=True, slots=True)
class SoundscapeInfo:
    name: str
    title: str
    kind: str
    description: str


@dataclass(frozen=True, slots=True)
class Bed:
    """A loop at the session rate, ``(frames, 2)``, with its loudness (for setting its level)."""

    name: str
    samples: Samples
    loudness_lufs: float
    identity: str  # changes whenever the loop's samples could


def bundled_dir() -> Path:
    """The installed voiceguide.soundscapes package, or the top-level soundscapes/ of a checkout."""
    try:
        folder = resources.files("voiceguide.soundscapes")
    except ModuleNotFoundError:  # running from a source checkout: the top-level soundscapes/ folder
        return Path(__file__).resolve().parents[2] / "soundscapes"
    return Path(str(folder.joinpath("soundscapes.json"))).parent


def bundled_soundscapes() -> list[SoundscapeInfo]:
    index = json.loads((bundled_dir() / "soundscapes.json").read_text(encoding="utf-8"))
    return [
        SoundscapeInfo(row["name"], row["title"], row["kind"], row["description"]) for row in index
    ]


def load_bed(
    name_or_path: str, *, folder: Path, sample_rate: int, cache_root: Path | None = None
) -> Bed:
    """A bundled soundscape by name, or an audio file (relative paths resolve against ``folder``).
    ``cache_root``: where its measured loudness is kept (measured every time without)."""
    names = {info.name for info in bundled_soundscapes()}
    if name_or_path in names:
        path = bundled_dir() / f"{name_or_path}.flac"
        samples, rate = soundfile.read(path, dtype="float32", always_2d=True)
        loop = _loop_at_rate(samples, rate, sample_rate)  # bundled beds are exact loops already
        identity = f"bundled {name_or_path} {path.stat().st_size}"
        return Bed(name_or_path, loop, _loudness(loop, sample_rate, identity, cache_root), identity)
    path = (folder / name_or_path).expanduser()
    if not path.suffix and "/" not in name_or_path:
        raise InputError(
            f"no soundscape named '{name_or_path}'; bundled: {', '.join(sorted(names))} (or give a file)"
        )
    samples, rate = decode_file(path, max_s=MAX_LOOP_S, what="soundscape")
    info = path.stat()
    identity = f"file {path.resolve()} {info.st_size} {info.st_mtime_ns}"
    loop = _seamless(_at_rate(samples, rate, sample_rate), sample_rate)
    loudness = _loudness(loop, sample_rate, identity, cache_root)
    if not math.isfinite(loudness):
        raise InputError(f"{path}: the file is silent")
    loop = _tame_peaks(loop, sample_rate, loudness)
    return Bed(path.name, loop, loudness, identity)


def _loudness(loop: Samples, sample_rate: int, identity: str, cache_root: Path | None) -> float:
    """The loop's integrated loudness, kept in the cache room by what the loop is made from (a
    warm start need not measure it again: about a tenth of a second)."""
    if cache_root is None:
        return integrated_lufs(loop, sample_rate)
    from voiceguide.cache import CacheRoom

    room = CacheRoom(cache_root)
    key = hashlib.sha256(f"{LOUDNESS_METHOD}|{identity}|{sample_rate}".encode()).hexdigest()
    stored = (room.get("loudness", key) or b"").decode("ascii", "replace")
    with contextlib.suppress(ValueError):
        known = float(stored)
        if -100.0 <= known <= 10.0:  # a hostile or damaged entry is measured again
            return known
    measured = integrated_lufs(loop, sample_rate)
    if math.isfinite(measured):
        room.put("loudness", key, repr(measured).encode("ascii"))
    return measured


def _at_rate(samples: np.ndarray, rate: int, sample_rate: int) -> Samples:
    stereo = np.repeat(samples[:, :1], 2, axis=1) if samples.shape[1] == 1 else samples[:, :2]
    if rate != sample_rate:
        stereo = soxr.resample(stereo, rate, sample_rate, quality="HQ")
    result: Samples = np.ascontiguousarray(stereo, dtype=np.float32)
    return result


BED_PEAK_TO_LOUDNESS_DB = (
    15.0  # a user's bed may be spiky (a ticking clock): its peaks are held here
)


def _tame_peaks(loop: Samples, sample_rate: int, loudness_lufs: float) -> Samples:
    """Limit each channel's true peaks to :data:`BED_PEAK_TO_LOUDNESS_DB` above the bed's loudness,
    so a loud, spiky bed cannot push the session past its true-peak ceiling."""
    from voiceguide.sound.level import limit_true_peak

    ceiling_db = loudness_lufs + BED_PEAK_TO_LOUDNESS_DB
    channels = [
        limit_true_peak(np.ascontiguousarray(loop[:, c]), sample_rate, ceiling_db) for c in range(2)
    ]
    tamed: Samples = np.stack(channels, axis=1).astype(np.float32)
    return tamed


def _loop_at_rate(loop: np.ndarray, rate: int, sample_rate: int) -> Samples:
    """A loop resampled as a loop: the filter sees the loop's own end before its start (three
    copies in, the middle one out), so the seam stays seamless at any rate."""
    if rate == sample_rate:
        return _at_rate(loop, rate, sample_rate)
    tiled = _at_rate(np.concatenate([loop, loop, loop]), rate, sample_rate)
    frames = round(len(loop) * sample_rate / rate)
    start = (len(tiled) - frames) // 2
    middle: Samples = np.ascontiguousarray(tiled[start : start + frames])
    return middle


def _seamless(samples: Samples, sample_rate: int) -> Samples:
    """Cross-fade the end into the beginning (equal power), so playing it end-to-start has no seam."""
    frames = len(samples)
    if frames < MIN_LOOP_S * sample_rate:
        raise InputError(f"expected a soundscape of at least {MIN_LOOP_S:g} s")
    fade = min(round(CROSSFADE_S * sample_rate), frames // 4)
    t = (np.arange(fade) + 0.5) / fade
    fade_in = np.sin(0.5 * np.pi * t)[:, None]
    fade_out = np.cos(0.5 * np.pi * t)[:, None]
    loop = samples[fade:].copy()
    loop[-fade:] = samples[-fade:] * fade_out + samples[:fade] * fade_in
    result: Samples = loop.astype(np.float32)
    return result

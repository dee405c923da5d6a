"""Voice clips ready to mix: spoken through the cache, trimmed, resampled and leveled.

The finished clips are cached too (keyed by the raw clip's key and the session rate), so a warm
export reads them straight from disk and neither speaks nor processes anything.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np

from voiceguide.sound.level import level_clip
from voiceguide.speech import Clip, ClipCache, Samples, SpeechEngine, Voice, speak_all
from voiceguide.speech.cache import clip_key
from voiceguide.speech.prepare import prepare_clip
from voiceguide.timeline import Line

SPEAK_BATCH = 12  # lines per request to the engine: small enough to overlap speaking and finishing
FINISH_METHOD = 3  # bump when preparing or leveling changes
MAX_RECORDING_S = 600.0  # one recorded line may last up to ten minutes

Progress = Callable[[int, int], None]


def voice_clips(
    engine: SpeechEngine,
    voice: Voice,
    lines: Sequence[Line],
    cache: ClipCache,
    *,
    sample_rate: int,
    progress: Progress | None = None,
) -> dict[Line, Samples]:
    """Every line's finished clip: at ``sample_rate``, leveled, with faded edges."""
    finished_cache = ClipCache(cache.root, "finished")
    keys = _finished_keys(engine, voice, lines, sample_rate)
    clips: dict[Line, Samples] = {
        line: _recorded(Path(line.recording), sample_rate)
        for line in lines
        if line.recording is not None
    }
    clips.update(_cached(keys, finished_cache, sample_rate))
    missing: dict[float, list[Line]] = {}
    for line in lines:
        if line not in clips:
            missing.setdefault(line.rate_scale, []).append(line)
    done = len(clips)
    if progress:
        progress(done, len(lines))

    def finish(raw: Clip) -> Samples:
        # leveled at the engine's own rate (fewer samples), then resampled: band-limited
        # interpolation stays on the same waveform, so the true-peak limit holds
        return prepare_clip(raw, sample_rate=sample_rate, shape=level_clip)

    # Speaking (in the engine's own process) and finishing (numpy and libsoxr, which release the
    # GIL) overlap: each batch is finished on the other cores while the next one is spoken.
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        futures: dict[Line, Future[Samples]] = {}
        for rate_scale, group in missing.items():
            scaled = _scaled(voice, Line("", rate_scale))
            for first in range(0, len(group), SPEAK_BATCH):
                batch = group[first : first + SPEAK_BATCH]
                raw = speak_all(engine, scaled, [line.text for line in batch], cache)
                for line in batch:
                    futures[line] = pool.submit(finish, raw[line.text])
        for line, future in futures.items():
            finished = future.result()
            finished_cache.put(keys[line], Clip(finished, sample_rate))
            clips[line] = finished
            done += 1
            if progress:
                progress(done, len(lines))
    return clips


def cached_clips(
    engine: SpeechEngine, voice: Voice, lines: Sequence[Line], cache: ClipCache, *, sample_rate: int
) -> dict[Line, Samples]:
    """The spoken lines whose finished clips the cache holds (nothing is spoken or read aloud)."""
    keys = _finished_keys(engine, voice, lines, sample_rate)
    return _cached(keys, ClipCache(cache.root, "finished"), sample_rate)


def _cached(
    keys: dict[Line, str], finished_cache: ClipCache, sample_rate: int
) -> dict[Line, Samples]:
    found: dict[Line, Samples] = {}
    for line, key in keys.items():
        clip = finished_cache.get(key)
        if clip is not None and clip.sample_rate == sample_rate:
            found[line] = clip.samples
    return found


def _finished_keys(
    engine: SpeechEngine, voice: Voice, lines: Sequence[Line], sample_rate: int
) -> dict[Line, str]:
    identity = engine.identity(voice)
    return {
        line: _finished_key(clip_key(identity, _scaled(voice, line), line.text), sample_rate)
        for line in lines
        if line.recording is None
    }


def _recorded(path: Path, sample_rate: int) -> Samples:
    """A recorded line, as ready to mix as a spoken one: mono, trimmed, leveled, resampled, faded."""
    from voiceguide.sound.beds import decode_file

    samples, rate = decode_file(path, max_s=MAX_RECORDING_S)
    mono = np.ascontiguousarray(samples.mean(axis=1), dtype=np.float32)
    return prepare_clip(Clip(mono, rate), sample_rate=sample_rate, shape=level_clip)


def _scaled(voice: Voice, line: Line) -> Voice:
    if line.rate_scale == 1.0:
        return voice
    return Voice(voice.name, max(80, round(voice.rate_wpm * line.rate_scale)), voice.pitch)


def _finished_key(raw_key: str, sample_rate: int) -> str:
    return hashlib.sha256(f"{raw_key}|finished|{sample_rate}|{FINISH_METHOD}".encode()).hexdigest()

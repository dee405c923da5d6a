"""Voice clips ready to mix: spoken, trimmed, leveled (cached), resampled.

The cache keeps each line's leveled clip at the engine's own rate (keyed by the raw clip's key), so
a warm export at any session rate reads it, resamples it and neither speaks nor levels anything.
The raw clip is not kept: the leveled one is all a session needs, and half the size of a 44.1 kHz
one.
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
from voiceguide.speech.ready import finish_clip, ready_clip, shape_clip, shape_input
from voiceguide.timeline import Line

SPEAK_BATCH = 12  # lines per request to the engine: small enough to overlap speaking and finishing
FINISH_METHOD = 4  # bump when preparing or leveling changes
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
    finished_cache = _finished_cache(cache)
    keys = _finished_keys(engine, voice, lines)
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

    def finish(line: Line, raw: Clip) -> Samples:
        # leveled at the engine's own rate (fewer samples), then resampled: band-limited
        # interpolation stays on the same waveform, so the true-peak limit holds
        shaped = shape_clip(raw, level_clip)
        finished_cache.put(keys[line], shaped, source=raw)
        return finish_clip(shaped, sample_rate)

    # Speaking (in the engine's own process) and finishing (numpy and libsoxr, which release the
    # GIL) overlap: each batch is finished on the other cores while the next one is spoken.
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        futures: dict[Line, Future[Samples]] = {}
        for rate_scale, group in missing.items():
            scaled = _scaled(voice, Line("", rate_scale))
            for first in range(0, len(group), SPEAK_BATCH):
                batch = group[first : first + SPEAK_BATCH]
                raw = speak_all(engine, scaled, [line.text for line in batch], None)
                for line in batch:
                    futures[line] = pool.submit(finish, line, raw[line.text])
        for line, future in futures.items():
            clips[line] = future.result()
            done += 1
            if progress:
                progress(done, len(lines))
    return clips


def cached_clips(
    engine: SpeechEngine, voice: Voice, lines: Sequence[Line], cache: ClipCache, *, sample_rate: int
) -> dict[Line, Samples]:
    """The spoken lines whose finished clips the cache holds (nothing is spoken or read aloud)."""
    keys = _finished_keys(engine, voice, lines)
    return _cached(keys, _finished_cache(cache), sample_rate)


def _finished_cache(cache: ClipCache) -> ClipCache:
    """Leveled clips at the engine's rate; one from a 16-bit engine is stored with its source."""
    return ClipCache(cache.root, "finished", derive=shape_input)


def _cached(
    keys: dict[Line, str], finished_cache: ClipCache, sample_rate: int
) -> dict[Line, Samples]:
    found: dict[Line, Samples] = {}
    for line, key in keys.items():
        shaped = finished_cache.get(key)
        if shaped is not None:
            found[line] = finish_clip(shaped, sample_rate)
    return found


def _finished_keys(engine: SpeechEngine, voice: Voice, lines: Sequence[Line]) -> dict[Line, str]:
    identity = engine.identity(voice)
    return {
        line: _finished_key(clip_key(identity, _scaled(voice, line), line.text))
        for line in lines
        if line.recording is None
    }


def _recorded(path: Path, sample_rate: int) -> Samples:
    """A recorded line, as ready to mix as a spoken one: mono, trimmed, leveled, resampled, faded."""
    from voiceguide.sound.decode import decode_file

    samples, rate = decode_file(path, max_s=MAX_RECORDING_S, what="recording")
    mono = np.ascontiguousarray(samples.mean(axis=1), dtype=np.float32)
    return ready_clip(Clip(mono, rate), sample_rate=sample_rate, shape=level_clip)


def _scaled(voice: Voice, line: Line) -> Voice:
    if line.rate_scale == 1.0:
        return voice
    return Voice(voice.name, max(80, round(voice.rate_wpm * line.rate_scale)), voice.pitch)


def _finished_key(raw_key: str) -> str:
    return hashlib.sha256(f"{raw_key}|leveled|{FINISH_METHOD}".encode()).hexdigest()

"""Voice clips ready to mix: spoken through the cache, trimmed, resampled and leveled.

The finished clips are cached too (keyed by the raw clip's key and the session rate), so a warm
export reads them straight from disk and neither speaks nor processes anything.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from voiceguide.sound.level import level_clip
from voiceguide.speech import Clip, ClipCache, Samples, SpeechEngine, Voice, speak_all
from voiceguide.speech.cache import clip_key
from voiceguide.speech.prepare import prepare_clip
from voiceguide.timeline import Line

FINISH_METHOD = 2  # bump when preparing or leveling changes

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
    identity = engine.identity()
    clips: dict[Line, Samples] = {}
    missing: dict[float, list[Line]] = {}
    keys: dict[Line, str] = {}
    for line in lines:
        keys[line] = _finished_key(clip_key(identity, _scaled(voice, line), line.text), sample_rate)
        found = finished_cache.get(keys[line])
        if found is not None and found.sample_rate == sample_rate:
            clips[line] = found.samples
        else:
            missing.setdefault(line.rate_scale, []).append(line)
    done = len(clips)
    if progress:
        progress(done, len(lines))

    def finish(raw: Clip) -> Samples:
        return level_clip(prepare_clip(raw, sample_rate=sample_rate), sample_rate)

    # numpy and libsoxr release the GIL in their loops: finishing clips on every core pays off
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        for rate_scale, group in missing.items():
            scaled = _scaled(voice, Line("", rate_scale))
            raw = speak_all(engine, scaled, [line.text for line in group], cache)
            finished_clips = pool.map(finish, [raw[line.text] for line in group])
            for line, finished in zip(group, finished_clips, strict=True):
                finished_cache.put(keys[line], Clip(finished, sample_rate))
                clips[line] = finished
                done += 1
                if progress:
                    progress(done, len(lines))
    return clips


def _scaled(voice: Voice, line: Line) -> Voice:
    if line.rate_scale == 1.0:
        return voice
    return Voice(voice.name, max(80, round(voice.rate_wpm * line.rate_scale)), voice.pitch)


def _finished_key(raw_key: str, sample_rate: int) -> str:
    return hashlib.sha256(f"{raw_key}|finished|{sample_rate}|{FINISH_METHOD}".encode()).hexdigest()

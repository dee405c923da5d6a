"""Bringing a whole session to its loudness target, with its true peak under a ceiling.

A first pass renders the mix at unity gain and measures its integrated loudness (BS.1770, block by
block) and its sample peak; one master gain then meets the target. Where that gain would push the
peak past the ceiling, the gain is lowered to fit and the session ends up a little quieter than
asked. The measurement is a pure function of the mix, so it is cached beside the clips.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voiceguide.cache import CacheRoom
from voiceguide.render.ahead import ahead
from voiceguide.render.mix import Mix, render_blocks
from voiceguide.sound.loudness import LoudnessMeter
from voiceguide.timeline import LEAD_OUT_S

METHOD = 3  # bump when the mix or the measurement changes
INTERSAMPLE_MARGIN_DB = 0.7  # true peak over sample peak, for voice clips already true-peak limited


@dataclass(frozen=True, slots=True)
class Measurement:
    loudness_lufs: float
    sample_peak: float


@dataclass(frozen=True, slots=True)
class Leveling:
    """What normalization did: measured loudness, the gain applied, and where the session ends up."""

    measured_lufs: float
    gain_db: float
    target_lufs: float
    result_lufs: float
    peak_limited: bool


def measure(mix: Mix, until_s: float | None = None) -> Measurement:
    """Loudness of the guided part (to the end of the lead-out: a long linger of bed alone must not
    change how loud the voice is), and the sample peak of everything, unclipped. With ``until_s``,
    only what comes before it is measured (an early start knows no more yet)."""
    meter = LoudnessMeter(mix.sample_rate)
    peak = 0.0
    measured_s = mix.timeline.steps_end_s + LEAD_OUT_S
    if until_s is not None:
        measured_s = min(measured_s, until_s)
    measured_frames = round(measured_s * mix.sample_rate)
    end_frame = None if until_s is None else round(until_s * mix.sample_rate)
    position = 0
    rendered = render_blocks(mix.with_master_gain(1.0), end_frame=end_frame, clip=False)
    for block in ahead(rendered):
        if position < measured_frames:
            meter.add(block[: measured_frames - position])
        position += len(block)
        peak = max(peak, float(np.max(np.abs(block), initial=0.0)))
    return Measurement(meter.integrated_lufs(), peak)


def normalize(
    mix: Mix,
    *,
    target_lufs: float,
    ceiling_dbtp: float,
    cache_dir: Path | None,
    until_s: float | None = None,
) -> tuple[Mix, Leveling]:
    """The mix with the master gain that meets ``target_lufs`` (or the ceiling, if lower), as
    measured over the whole session or, with ``until_s``, over what comes before it."""
    found = _cached(mix, cache_dir) if until_s is None else None
    if found is None:
        found = measure(mix, until_s)
        if until_s is None:
            _store(mix, cache_dir, found)
    if not math.isfinite(found.loudness_lufs) or found.sample_peak <= 0:
        return mix.with_master_gain(1.0), Leveling(
            found.loudness_lufs, 0.0, target_lufs, found.loudness_lufs, False
        )
    gain_db = target_lufs - found.loudness_lufs
    peak_db = 20 * math.log10(found.sample_peak) + INTERSAMPLE_MARGIN_DB
    limited = peak_db + gain_db > ceiling_dbtp
    if limited:
        gain_db = ceiling_dbtp - peak_db
    leveling = Leveling(
        found.loudness_lufs, gain_db, target_lufs, found.loudness_lufs + gain_db, limited
    )
    return mix.with_master_gain(10 ** (gain_db / 20)), leveling


def _key(mix: Mix) -> str:
    digest = hashlib.blake2b(digest_size=20)
    digest.update(
        json.dumps([METHOD, mix.sample_rate, mix.timeline.as_dict()], sort_keys=True).encode()
    )
    for line in sorted(
        mix.clips, key=lambda line: (line.text, line.rate_scale, line.recording or "")
    ):
        digest.update(json.dumps([line.text, line.rate_scale, line.recording]).encode())
        digest.update(np.ascontiguousarray(mix.clips[line]).tobytes())
    if mix.bed is not None:
        digest.update(json.dumps([mix.bed.identity, mix.bed_gain]).encode())
    if mix.ducking is not None:
        digest.update(
            json.dumps([mix.ducking.starts_s, mix.ducking.ends_s, mix.ducking.depth_db]).encode()
        )
    return digest.hexdigest()


def _cached(mix: Mix, cache_dir: Path | None) -> Measurement | None:
    """The measurement the cache holds, if its values make sense (a hostile or buggy entry with
    a valid digest is measured again rather than trusted)."""
    if cache_dir is None:
        return None
    data = CacheRoom(cache_dir).get("loudness", _key(mix))
    try:
        stored = json.loads(data or b"null")
        found = Measurement(float(stored["loudness_lufs"]), float(stored["sample_peak"]))
    except (ValueError, KeyError, TypeError):
        return None
    return found if _plausible(found) else None


def _plausible(found: Measurement) -> bool:
    """Values a mix of leveled voice, cues and bed can have: loudness from -100 LUFS (nearly
    silent) to +10 LUFS (beyond full scale) and a peak above zero and under +40 dBFS, with the
    loudness no more than 10 dB over the peak (a full-scale square wave measures +3 LUFS)."""
    loudness, peak = found.loudness_lufs, found.sample_peak
    if not (math.isfinite(loudness) and math.isfinite(peak)):
        return False
    if not (-100.0 <= loudness <= 10.0 and 0.0 < peak <= 100.0):
        return False
    return loudness <= 20 * math.log10(peak) + 10.0


def _store(mix: Mix, cache_dir: Path | None, found: Measurement) -> None:
    if cache_dir is None or not _plausible(found):
        return
    payload = {"loudness_lufs": found.loudness_lufs, "sample_peak": found.sample_peak}
    CacheRoom(cache_dir).put("loudness", _key(mix), json.dumps(payload).encode())

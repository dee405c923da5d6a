"""The cache room under hostile conditions: a cache that cannot be written, entries swapped or
edited on disk, and the temporary speech folders of a process killed with SIGKILL."""

from __future__ import annotations

import importlib
import os
import re
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from tests.fakes import ToneEngine, tone_mix
from voiceguide.render.normalize import normalize
from voiceguide.routinefile import load_routine
from voiceguide.speech import ClipCache
from voiceguide.speech.base import Clip

ROOT = Path(__file__).parent.parent
MINIMAL = Path(__file__).parent / "data" / "good" / "minimal.yaml"


def _files(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file()}


def test_a_cache_that_cannot_be_written_never_fails_and_warns_once(tmp_path: Path) -> None:
    """Files limited to 1 kB (``ulimit -f``: every write past it fails with EFBIG): the clips are
    made, the leveling measured, and one warning says why the cache is skipped."""
    script = textwrap.dedent(
        f"""
        import resource, sys
        from pathlib import Path
        resource.setrlimit(resource.RLIMIT_FSIZE, (1000, resource.RLIM_INFINITY))
        from tests.fakes import ToneEngine, tone_mix
        from voiceguide.render.normalize import normalize
        from voiceguide.routinefile import load_routine
        from voiceguide.speech import ClipCache, speak_all
        engine = ToneEngine()
        cache = ClipCache(Path({str(tmp_path / "cache")!r}))
        clips = speak_all(engine, engine.default_voice, ["One.", "Two, three.", "Four."], cache)
        again = speak_all(engine, engine.default_voice, ["Five, six.", "Seven."], cache)
        mix = tone_mix(load_routine(Path({str(MINIMAL)!r})))
        _, leveling = normalize(mix, target_lufs=-16, ceiling_dbtp=-1,
                                cache_dir=Path({str(tmp_path / "cache")!r}))
        print(len(clips) + len(again), round(leveling.gain_db, 3))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "5"
    warnings = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(warnings) == 1, done.stderr
    assert "cache" in warnings[0] and "file too large" in warnings[0]
    assert "Traceback" not in done.stderr


def test_swapped_entries_are_not_read(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    one = Clip(np.linspace(-0.5, 0.5, 2205, dtype=np.float32), 22050)
    two = Clip(np.linspace(0.3, -0.3, 4410, dtype=np.float32), 22050)
    cache.put("aa" * 32, one)
    first = _files(tmp_path)
    cache.put("aa" * 31 + "bb", two)
    (second,) = _files(tmp_path) - first
    (first_file,) = first
    a, b = first_file.read_bytes(), second.read_bytes()
    first_file.write_bytes(b)
    second.write_bytes(a)
    assert cache.get("aa" * 32) is None
    assert cache.get("aa" * 31 + "bb") is None
    cache.put("aa" * 32, one)  # made again
    stored = cache.get("aa" * 32)
    assert stored is not None and np.array_equal(stored.samples, one.samples)


def test_an_edited_entry_is_not_read(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    clip = Clip(np.linspace(-0.5, 0.5, 22050, dtype=np.float32), 22050)
    cache.put("cd" * 32, clip)
    (entry,) = _files(tmp_path)
    data = bytearray(entry.read_bytes())
    data[-100] ^= 0x40  # one bit in the samples
    entry.write_bytes(bytes(data))
    assert cache.get("cd" * 32) is None


def test_an_edited_loudness_entry_is_not_used(tmp_path: Path) -> None:
    mix = tone_mix(load_routine(MINIMAL))
    _, first = normalize(mix, target_lufs=-16, ceiling_dbtp=-1, cache_dir=tmp_path)
    (entry,) = _files(tmp_path)
    text = entry.read_bytes()
    edited = re.sub(rb'"loudness_lufs": *-?[0-9.e+-]+', b'"loudness_lufs": 60', text)
    assert edited != text
    entry.write_bytes(edited)
    _, second = normalize(mix, target_lufs=-16, ceiling_dbtp=-1, cache_dir=tmp_path)
    assert second.measured_lufs == pytest.approx(first.measured_lufs)
    assert second.gain_db == pytest.approx(first.gain_db)


def test_measured_values_out_of_reason_are_measured_again(tmp_path: Path) -> None:
    """An entry with a valid digest but an impossible value (written by a buggy or hostile
    program) is measured again, not used."""
    from voiceguide.cache import CacheRoom

    normalizing = importlib.import_module("voiceguide.render.normalize")

    mix = tone_mix(load_routine(MINIMAL))
    _, first = normalize(mix, target_lufs=-16, ceiling_dbtp=-1, cache_dir=tmp_path)
    room = CacheRoom(tmp_path)
    key = normalizing._key(mix)
    for bad in ('{"loudness_lufs": 60, "sample_peak": 0.5}',
                '{"loudness_lufs": -20, "sample_peak": 1e30}',
                '{"loudness_lufs": "nan", "sample_peak": 0.5}'):  # fmt: skip
        room.put("loudness", key, bad.encode())
        _, again = normalize(mix, target_lufs=-16, ceiling_dbtp=-1, cache_dir=tmp_path)
        assert again.gain_db == pytest.approx(first.gain_db)


def test_clips_are_stored_compactly_and_exactly(tmp_path: Path) -> None:
    """16-bit clips (eSpeak NG's) as 16-bit FLAC, any other float32 clip losslessly and smaller
    than float32 WAV; both read back sample for sample."""
    cache = ClipCache(tmp_path)
    rng = np.random.default_rng(1)
    speech_like = (rng.standard_normal(22050) * 0.05 * np.hanning(22050)).astype(np.float32)
    sixteen = (np.round(speech_like * 32768) + 0.0).astype(np.float32) / 32768  # no -0.0
    for key, samples in (("ef" * 32, speech_like), ("fe" * 32, sixteen)):
        before = _files(tmp_path)
        cache.put(key, Clip(samples.astype(np.float32), 22050))
        (entry,) = _files(tmp_path) - before
        stored = cache.get(key)
        assert stored is not None and stored.sample_rate == 22050
        assert stored.samples.dtype == np.float32
        assert np.array_equal(stored.samples.view(np.uint32), samples.view(np.uint32))
        limit = 0.9 if samples is speech_like else 0.5
        assert entry.stat().st_size < limit * samples.nbytes


@pytest.mark.real
def test_a_killed_process_speech_folder_is_cleaned_by_the_next(tmp_path: Path) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**os.environ, "TMPDIR": str(temporary)}
    speaker = textwrap.dedent(
        """
        import sys
        from voiceguide.speech import get_engine
        engine = get_engine("espeak")
        texts = [f"Line number {n}, spoken slowly and at length." for n in range(int(sys.argv[1]))]
        engine.synthesize(texts, engine.default_voice)
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", speaker, "400"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        while process.poll() is None and not list(temporary.glob("voiceguide-speech-*")):
            os.sched_yield()
        assert process.poll() is None, "spoke everything before the folder was seen"
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert list(temporary.glob("voiceguide-speech-*"))  # left behind by the killed process
    subprocess.run(
        [sys.executable, "-c", speaker, "1"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    assert list(temporary.glob("voiceguide-speech-*")) == []


def test_finished_clips_are_read_back_exactly(tmp_path: Path) -> None:
    """A warm cache gives the same finished clips, sample for sample, as a cold one."""
    from voiceguide.clips import voice_clips
    from voiceguide.timeline import spoken_lines

    routine = load_routine(MINIMAL)
    lines = spoken_lines(routine)
    engine = ToneEngine()
    cold = voice_clips(engine, engine.default_voice, lines, ClipCache(tmp_path), sample_rate=44100)
    warm_engine = ToneEngine()
    warm = voice_clips(
        warm_engine, warm_engine.default_voice, lines, ClipCache(tmp_path), sample_rate=44100
    )
    assert warm_engine.spoken == []
    for line in lines:
        assert np.array_equal(cold[line].view(np.uint32), warm[line].view(np.uint32))
    other = voice_clips(
        warm_engine, warm_engine.default_voice, lines, ClipCache(tmp_path), sample_rate=48000
    )
    assert warm_engine.spoken == []  # another session rate needs no speaking either
    assert all(len(other[line]) > len(cold[line]) for line in lines if len(cold[line]))


def test_a_leveled_16_bit_clip_is_stored_with_its_source_exactly(tmp_path: Path) -> None:
    from voiceguide.sound.level import level_clip
    from voiceguide.speech.ready import shape_clip, shape_input

    rng = np.random.default_rng(2)
    envelope = np.abs(np.sin(np.linspace(0, 20, 44100)))
    speech_like = rng.standard_normal(44100) * 0.2 * envelope
    source = Clip(((np.round(speech_like * 32768) + 0.0) / 32768).astype(np.float32), 22050)
    leveled = shape_clip(source, level_clip)
    plain, derived = (
        ClipCache(tmp_path / "plain"),
        ClipCache(tmp_path / "derived", "finished", shape_input),
    )
    plain.put("ab" * 32, leveled)
    derived.put("ab" * 32, leveled, source=source)
    stored = derived.get("ab" * 32)
    assert stored is not None
    assert np.array_equal(stored.samples.view(np.uint32), leveled.samples.view(np.uint32))
    (plain_entry,), (derived_entry,) = _files(tmp_path / "plain"), _files(tmp_path / "derived")
    assert derived_entry.stat().st_size < 0.8 * plain_entry.stat().st_size
    assert ClipCache(tmp_path / "derived", "finished").get("ab" * 32) is None  # needs its derive

"""Soundscapes: the bundled beds, and a user's own file in every common format, looped seamlessly."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile

from voiceguide.errors import InputError
from voiceguide.sound.beds import bundled_soundscapes, find_ffmpeg, load_bed

RATE = 44100


def _seam_ok(loop: np.ndarray) -> None:
    """The step from the last frame back to the first is no bigger than the loop's own typical step."""
    steps = np.abs(np.diff(loop, axis=0))
    typical = np.percentile(steps, 99.9, axis=0)
    seam = np.abs(loop[0] - loop[-1])
    assert np.all(seam <= typical), (seam, typical)


def test_six_bundled_beds_with_two_pieces_of_music() -> None:
    infos = bundled_soundscapes()
    names = {info.name for info in infos}
    assert {"rain", "ocean", "brown-noise", "stream", "warm-pad", "music-box"} <= names
    assert sum(info.kind == "music" for info in infos) >= 2


@pytest.mark.parametrize("name", [info.name for info in bundled_soundscapes()])
def test_bundled_beds_load_and_loop_without_a_seam(name: str) -> None:
    bed = load_bed(name, folder=Path(), sample_rate=RATE)
    assert bed.samples.shape[1] == 2 and bed.samples.dtype == np.float32
    assert len(bed.samples) >= 20 * RATE
    _seam_ok(bed.samples)
    assert -40 < bed.loudness_lufs < -15


def _tone_file(path: Path, seconds: float = 16.0, rate: int = 48000, channels: int = 1) -> None:
    t = np.arange(round(seconds * rate)) / rate
    # a level and a pitch that wander, so that a naive loop would jump at the seam
    wave = (0.3 + 0.2 * t / seconds) * np.sin(2 * np.pi * (200 + 10 * t) * t)
    soundfile.write(path, np.repeat(wave[:, None], channels, axis=1), rate)


@pytest.mark.parametrize("suffix", [".wav", ".flac", ".ogg", ".mp3"])
def test_user_files_through_libsndfile(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"mine{suffix}"
    _tone_file(path, channels=2 if suffix == ".ogg" else 1)
    bed = load_bed(path.name, folder=tmp_path, sample_rate=RATE)
    assert bed.samples.shape[1] == 2
    assert (
        abs(len(bed.samples) / RATE - 13.0) < 0.2
    )  # 16 s less the 3 s cross-fade, at the session rate
    _seam_ok(bed.samples)


def test_m4a_through_ffmpeg(tmp_path: Path) -> None:
    ffmpeg = find_ffmpeg()
    assert ffmpeg is not None, "the test extra installs imageio-ffmpeg"
    wav = tmp_path / "source.wav"
    _tone_file(wav)
    m4a = tmp_path / "mine.m4a"
    subprocess.run(
        [ffmpeg, "-v", "error", "-i", str(wav), "-c:a", "aac", "-b:a", "96k", str(m4a)], check=True
    )
    bed = load_bed(str(m4a), folder=Path("/"), sample_rate=RATE)
    assert 12.5 < len(bed.samples) / RATE < 13.5
    _seam_ok(bed.samples)


def test_clear_errors_before_any_rendering(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no soundscape named 'thunder'"):
        load_bed("thunder", folder=tmp_path, sample_rate=RATE)
    with pytest.raises(InputError, match=r"missing\.ogg: cannot open the file"):
        load_bed("missing.ogg", folder=tmp_path, sample_rate=RATE)
    with pytest.raises(InputError, match=r"expected a soundscape \(a regular file\), got a device"):
        load_bed("/dev/zero", folder=tmp_path, sample_rate=RATE)
    garbage = tmp_path / "noise.mp3"
    garbage.write_bytes(b"this is not audio at all" * 100)
    with pytest.raises(InputError, match="cannot decode the file"):
        load_bed(garbage.name, folder=tmp_path, sample_rate=RATE)
    silent = tmp_path / "silent.wav"
    soundfile.write(silent, np.zeros(RATE * 5), RATE)
    with pytest.raises(InputError, match="the file is silent"):
        load_bed(silent.name, folder=tmp_path, sample_rate=RATE)


def test_a_beds_loudness_is_kept_in_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Measured once, then read from the cache (a warm start does not measure it again); an
    entry that makes no sense is measured again."""
    import voiceguide.sound.beds as beds
    from voiceguide.cache import CacheRoom

    cache = tmp_path / "cache"
    measured = load_bed("warm-pad", folder=tmp_path, sample_rate=RATE)
    from voiceguide.sound.loudness import integrated_lufs as measuring

    measures: list[float] = []

    def counted(samples: np.ndarray, sample_rate: int) -> float:
        measures.append(measuring(samples, sample_rate))
        return measures[-1]

    monkeypatch.setattr(beds, "integrated_lufs", counted)

    def loudness() -> float:
        return load_bed(
            "warm-pad", folder=tmp_path, sample_rate=RATE, cache_root=cache
        ).loudness_lufs

    assert loudness() == measured.loudness_lufs and len(measures) == 1
    assert loudness() == measured.loudness_lufs and len(measures) == 1  # exactly, from the cache
    (entry,) = (cache / "loudness").rglob("*.vgc")
    assert CacheRoom(cache).put("loudness", entry.stem, b"1e9")  # nonsense: measured again
    assert loudness() == measured.loudness_lufs and len(measures) == 2

"""The ambient beds in soundscapes/ (made by scripts/make_soundscapes.py): each is a seamless loop at
a common level, band-limited, reproducible sample for sample, and the music beds are in tune and time.

The checks run on the shipped files; regenerating is checked for the two smallest beds.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
import soundfile as sf

ROOT = Path(__file__).parent.parent
SCRIPT = ROOT / "scripts" / "make_soundscapes.py"
FOLDER = ROOT / "soundscapes"
RATE = 44100
PCM_SCALE = 32767

Audio = npt.NDArray[np.float64]


def _load_generator() -> ModuleType:
    """Import the script as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("make_soundscapes", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


generator = _load_generator()
BEDS: tuple[str, ...] = tuple(generator.BEDS)
MUSIC = ("warm-pad", "music-box")


def _catalog() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json.loads(
        (FOLDER / "soundscapes.json").read_text(encoding="utf-8")
    )
    return entries


def _path(name: str) -> Path:
    return FOLDER / f"{name}.flac"


@functools.cache
def _pcm(name: str) -> npt.NDArray[np.int16]:
    samples: npt.NDArray[np.int16] = sf.read(_path(name), dtype="int16", always_2d=True)[0]
    return samples


def _audio(name: str) -> Audio:
    """The shipped file as float (frames, 2), full scale 1.0."""
    return _pcm(name).astype(np.float64) / PCM_SCALE


def _db(power: float | np.floating[Any]) -> float:
    return float(10 * np.log10(power))


def _smallest(count: int) -> list[str]:
    return sorted(BEDS, key=lambda name: _path(name).stat().st_size if _path(name).exists() else 0)[
        :count
    ]


def test_the_required_beds_are_listed_in_order_with_their_catalog_entries() -> None:
    assert {"rain", "ocean", "brown-noise", "warm-pad"} <= set(BEDS)
    assert {"stream", "wind"} & set(BEDS)
    assert {"music-box", "soft-bells"} & set(BEDS)
    catalog = _catalog()
    assert [entry["name"] for entry in catalog] == list(BEDS)
    for entry in catalog:
        assert set(entry) == {"name", "title", "kind", "description", "gain_db"}
        assert entry["kind"] in {"nature", "noise", "music"}
        assert entry["title"] and entry["description"]
        assert isinstance(entry["gain_db"], float) and -12.0 <= entry["gain_db"] <= 0.0
    assert {entry["name"] for entry in catalog if entry["kind"] == "music"} == set(MUSIC)
    shipped = sorted(path.name for path in FOLDER.iterdir() if path.suffix in (".flac", ".json"))
    assert shipped == sorted([*(f"{name}.flac" for name in BEDS), "soundscapes.json"])
    assert (
        FOLDER / "__init__.py"
    ).is_file()  # the folder installs as the package voiceguide.soundscapes


@pytest.mark.parametrize("name", BEDS)
def test_file_is_a_44k_stereo_16_bit_flac_loop_of_20_to_48_s(name: str) -> None:
    info = sf.info(_path(name))
    assert (info.format, info.subtype, info.samplerate, info.channels) == (
        "FLAC",
        "PCM_16",
        RATE,
        2,
    )
    assert 20.0 <= info.frames / RATE <= 48.0


@pytest.mark.parametrize("name", MUSIC)
def test_music_loops_are_whole_bars(name: str) -> None:
    bpm = generator.PAD_BPM if name == "warm-pad" else generator.BOX_BPM
    bar_frames = generator.BEATS_PER_BAR * round(60 / bpm * RATE)
    frames = len(_pcm(name))
    assert frames == generator.music_loop_frames(name)
    assert frames % bar_frames == 0


def test_all_files_together_stay_under_16_mb() -> None:
    assert sum(_path(name).stat().st_size for name in BEDS) < 16_000_000


@pytest.mark.parametrize("name", BEDS)
def test_loop_has_no_seam(name: str) -> None:
    """From the last frame to the first: an ordinary step, at an unchanged level."""
    audio = _audio(name)
    steps = np.abs(np.diff(audio, axis=0))
    seam = np.abs(audio[0] - audio[-1])
    assert np.all(seam <= np.percentile(steps, 99.9, axis=0)), seam
    half_s = RATE // 2
    for channel in range(2):
        head = _db(np.mean(np.square(audio[:half_s, channel])))
        tail = _db(np.mean(np.square(audio[-half_s:, channel])))
        assert abs(head - tail) <= 1.5, (channel, head, tail)


@pytest.mark.parametrize("name", BEDS)
def test_level_is_common_and_peaks_stay_below_minus_3_dbfs(name: str) -> None:
    audio = _audio(name)
    assert 20 * np.log10(np.max(np.abs(audio))) < -3.0
    rms_db = _db(np.mean(np.square(audio)))
    if name in MUSIC:
        assert -30.0 <= rms_db <= -23.5
    else:
        assert rms_db == pytest.approx(-24.0, abs=0.5)


@pytest.mark.parametrize("name", BEDS)
def test_no_dc_no_rumble_below_25_hz_and_nothing_above_16_khz(name: str) -> None:
    audio = _audio(name)
    assert np.all(np.abs(np.mean(audio, axis=0)) < 1e-3)
    power = np.square(np.abs(np.fft.rfft(audio, axis=0))).sum(axis=1)
    freqs = np.fft.rfftfreq(len(audio), 1 / RATE)
    total = power.sum()
    assert power[freqs < 25.0].sum() / total < 1e-6  # -60 dB
    assert power[freqs > 16000.0].sum() / total < 1e-6


@pytest.mark.parametrize("name", _smallest(2))
def test_regenerating_gives_the_shipped_file_sample_for_sample(name: str) -> None:
    rendered = generator.render_bed(name)
    assert rendered.dtype == np.float32
    assert rendered.shape == _pcm(name).shape
    assert np.array_equal(np.round(rendered * PCM_SCALE).astype(np.int16), _pcm(name))


def _strongest_peaks_hz(audio: Audio, count: int) -> list[float]:
    """The ``count`` strongest spectral peaks between 50 Hz and 5 kHz, at least 3 % apart."""
    power = np.square(np.abs(np.fft.rfft(audio.sum(axis=1))))
    freqs = np.fft.rfftfreq(len(audio), 1 / RATE)
    power[(freqs < 50.0) | (freqs > 5000.0)] = 0.0
    peaks = []
    for _ in range(count):
        peak_hz = float(freqs[int(np.argmax(power))])
        peaks.append(peak_hz)
        power[(freqs > peak_hz * 0.97) & (freqs < peak_hz * 1.03)] = 0.0
    return peaks


def _in_scale(freq_hz: float, pitch_classes: frozenset[int]) -> bool:
    """Within 2 % of a note (equal temperament, A4 = 440 Hz) whose pitch class is in the scale."""
    note = round(12 * np.log2(freq_hz / 440.0) + 69)
    note_hz = 440.0 * 2 ** ((note - 69) / 12)
    return note % 12 in pitch_classes and abs(freq_hz / note_hz - 1) <= 0.02


@pytest.mark.parametrize(
    ("name", "scale"),
    [("warm-pad", frozenset({0, 2, 4, 5, 7, 9, 11})), ("music-box", frozenset({0, 2, 4, 7, 9}))],
    ids=["warm-pad-c-major", "music-box-c-major-pentatonic"],
)
def test_strongest_spectral_peaks_are_notes_of_the_scale(name: str, scale: frozenset[int]) -> None:
    assert generator.SCALE_PITCH_CLASSES[name] == scale
    peaks = _strongest_peaks_hz(_audio(name), 12)
    assert all(_in_scale(peak, scale) for peak in peaks), [round(peak, 1) for peak in peaks]


def test_warm_pad_sounds_every_chord_tone_it_plays() -> None:
    """Each chord's notes show as peaks in the spectrum of its own 8 s (the sustain part)."""
    audio = _audio("warm-pad")
    chords = generator.PAD_CHORDS
    chord_frames = len(audio) // len(chords)
    hold = round(generator.PAD_CROSSFADE_S * RATE)  # after the cross-fade, only this chord
    for index, (chord_name, notes) in enumerate(chords):
        part = audio[index * chord_frames + hold : (index + 1) * chord_frames]
        peaks = _strongest_peaks_hz(part, len(notes) + 2)
        for note in notes:
            note_hz = 440.0 * 2 ** ((note - 69) / 12)
            assert any(abs(peak / note_hz - 1) <= 0.02 for peak in peaks), (chord_name, note)


def _onsets_s(mono: Audio) -> list[float]:
    """Note starts: peaks of spectral flux (the rise in log-magnitude, 300 Hz-8 kHz, 10 ms hop)."""
    size, hop = 1024, RATE // 100
    centres = np.arange(0, len(mono), hop)
    index = (centres[:, None] + np.arange(-size // 2, size // 2)) % len(mono)  # the loop wraps
    magnitude = np.abs(np.fft.rfft(mono[index] * np.hanning(size), axis=1))
    freqs = np.fft.rfftfreq(size, 1 / RATE)
    level = np.log1p(1000 * magnitude[:, (freqs > 300.0) & (freqs < 8000.0)])
    flux = np.maximum(0.0, level - np.roll(level, 1, axis=0)).sum(axis=1)
    near = (np.arange(len(flux))[:, None] + np.arange(-6, 7)) % len(flux)
    is_peak = (flux == flux[near].max(axis=1)) & (flux > 0.25 * flux.max())
    return [float(frame * hop / RATE) for frame in np.flatnonzero(is_peak)]


def test_music_box_notes_start_at_their_beats_and_nowhere_else() -> None:
    expected = generator.music_box_onsets_s()
    beat_s = 60.0 / generator.BOX_BPM
    assert all(abs(t / beat_s - round(t / beat_s)) < 1e-3 for t in expected)
    gaps_beats = np.diff([*expected, expected[0] + len(_pcm("music-box")) / RATE]) / beat_s
    assert gaps_beats.min() >= 0.99  # a note every one or more beats, with longer rests
    assert gaps_beats.max() >= 2.99
    assert 60.0 <= generator.BOX_BPM <= 70.0
    found = _onsets_s(_audio("music-box").sum(axis=1))
    assert len(found) == len(expected), (found, expected)
    assert np.max(np.abs(np.array(found) - np.array(expected))) <= 0.03, (found, expected)


def test_brown_noise_falls_6_db_per_octave_in_amplitude() -> None:
    """Power proportional to 1/f^2 between 60 Hz and 2 kHz, and left and right alike but not equal."""
    audio = _audio("brown-noise")
    power = np.square(np.abs(np.fft.rfft(audio[:, 0])))
    freqs = np.fft.rfftfreq(len(audio), 1 / RATE)
    band = (freqs > 60.0) & (freqs < 2000.0)
    slope = np.polyfit(np.log10(freqs[band]), np.log10(power[band]), 1)[0]
    assert slope == pytest.approx(-2.0, abs=0.25)
    assert 0.6 < np.asarray(np.corrcoef(audio.T))[0, 1] < 0.95


def test_ocean_swells_every_8_to_12_s() -> None:
    """The level rises and falls by several dB, and its strongest rhythm has an 8-12 s period."""
    audio = _audio("ocean")
    window = RATE // 4
    power = (
        np.square(audio[: len(audio) // window * window]).reshape(-1, window, 2).mean(axis=(1, 2))
    )
    level_db = 10 * np.log10(power)
    assert np.percentile(level_db, 95) - np.percentile(level_db, 5) >= 6.0
    spectrum = np.abs(np.fft.rfft(level_db - level_db.mean()))
    loop_s = len(audio) / RATE
    cycles = int(np.argmax(spectrum))
    assert 8.0 <= loop_s / cycles <= 12.0


def test_rain_has_droplets_above_the_hiss() -> None:
    """Ticks: the 2-8 kHz band has short bursts well above its typical level (a spiky envelope)."""
    audio = _audio("rain")
    spectrum = np.fft.rfft(audio[:, 0])
    freqs = np.fft.rfftfreq(len(audio), 1 / RATE)
    spectrum[(freqs < 2000.0) | (freqs > 8000.0)] = 0.0
    band = np.fft.irfft(spectrum, n=len(audio))
    window = RATE // 200  # 5 ms
    power = np.square(band[: len(band) // window * window]).reshape(-1, window).mean(axis=1)
    assert np.percentile(power, 99.9) / np.median(power) > 4.0  # over 6 dB

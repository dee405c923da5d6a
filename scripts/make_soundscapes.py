"""Generate the ambient sound beds in soundscapes/: seamless loops that play softly under the voice.

Run:  python scripts/make_soundscapes.py    (rewrites soundscapes/NAME.flac and soundscapes.json)

Every bed is made from fixed seeds with numpy alone, so the same numpy writes the same files bit for bit;
``render_bed(name)`` recomputes one in memory (the tests compare it with the shipped file).

Why every loop is seamless: each bed is one period of a periodic signal, by construction.

* Noise is made in the frequency domain: random complex amplitudes on the rFFT bins of the whole loop,
  shaped by the wanted spectrum, then one inverse rFFT. Each bin is a sinusoid with a whole number of
  cycles per loop, so the result tiles without a seam. (Brown noise by np.cumsum would wander off and
  jump at the seam; shaping the spectrum by 1/f does not.)
* Every slow movement (wave swells, gusts, babble, the moving emphasis of the stream, the drone's
  breathing) is itself a sum of sinusoids with a whole number of cycles per loop.
* Music is rendered note by note into a circular buffer: a note or chord tail that runs past the end
  wraps round to the start, exactly as it would when the loop plays again. Reverb is a circular
  convolution (a product of rFFTs over the loop), so its tail wraps round too. Music files start on
  their first bar; the seam falls where the level is steady anyway (the pad is mid-chord there, the
  music box is in a rest over its drone, whose slow beating is symmetric about the seam).
* The finishing filter (no DC, high-pass at 25 Hz, nothing above 16 kHz) multiplies rFFT bins of the
  whole loop, which keeps it periodic. Nature and noise beds are then rotated so that the seam falls
  where the level is steady (a loop has no true start; this one starts where it is calm).

The beds:

* rain: pink hiss (high-passed, rolled off above 7 kHz) in partly correlated stereo, plus about 40
  droplet ticks a second: 50 ms noise bursts band-passed around a random 1.5-7 kHz, with a 1 ms
  soft onset, a 3-12 ms decay, a random level over 24 dB and a random place in the stereo field.
* ocean: four waves in 40 s with a warped phase, so they last about 8-12 s each and differ in height.
  A brown "body" swells with each wave; a brighter pink "wash" swells later and more steeply, so the
  sound brightens as a wave breaks and dulls as it recedes, drifting a little left and right.
* brown-noise: spectrum 1/f^2 from 30 Hz, a gentle first-order high cut at 4 kHz, left and right
  81 % correlated so it is wide but not hollow.
* stream: soft band-limited hiss plus nine 1/4-octave bands (350 Hz-3.2 kHz), each babbling with its
  own log-normal 1.5-8 Hz level wobble; a slowly drifting emphasis moves the sound up and down in pitch
  and gentle surges (0.03-0.15 Hz) move the level.
* warm-pad: C major, 60 bpm, two bars (8 s) per chord: Cmaj7 - Am7 - Fmaj7 - G6, voiced between F2 and
  E4 (E4 held on top through three chords). Each note is a soft sawtooth already low-passed at
  800 Hz (12 dB/octave), one voice per ear detuned -4/+4 cents, each with its own slow vibrato
  (3 cents, 0.15-0.35 Hz) and breathing: a stereo chorus that moves without trembling. Each chord
  enters on its bar line with a 4 s equal-power cross-fade from the one before; a 2.6 s reverb.
* music-box: a 16-note lullaby in C major pentatonic (C5-A5, ending on A4) at 63 bpm over 8 bars, a
  note every one or two beats with rests at phrase ends. Each note is a struck tone: slightly
  inharmonic partials (1, 2.003, 3.009, 4.17, 5.43) decaying exponentially, the higher ones faster,
  with a 5 ms raised-cosine onset (no click). Under it a quiet breathing drone of C3 and G3; a 2.2 s
  reverb over all.

Levels: every bed is normalized to -24 dBFS RMS (music to -26 dBFS) with peaks below -3 dBFS; the
mixer sets the final level under the voice. ``gain_db`` in soundscapes.json is a suggested trim that
brings the perceptually loudest beds (by a K-weighted loudness, as in ITU-R BS.1770) down to the others.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile as sf

Signal = npt.NDArray[np.float64]
Stereo = npt.NDArray[np.float32]

SAMPLE_RATE = 44100
OUT_DIR = Path(__file__).resolve().parent.parent / "soundscapes"
CATALOG_NAME = "soundscapes.json"
PCM_SCALE = 32767  # float -> int16: np.round(audio * PCM_SCALE); the tests use the same conversion

NOISE_RMS_DB = -24.0
MUSIC_RMS_DB = -26.0  # tonal music sounds louder than noise at the same RMS
PEAK_LIMIT_DB = -3.0
HIGHPASS_HZ = 25.0  # nothing below: rumble only shakes small speakers
HIGHPASS_FULL_HZ = 40.0  # the high-pass ramps up to unity gain here
TOP_HZ = 16000.0  # nothing above
TOP_FADE_FROM_HZ = 14500.0
SEAM_WINDOW_S = 0.5  # the level of this much before and after the seam should match
LOUDNESS_SPREAD_DB = 3.0  # beds louder than the quietest noise bed by more than this get a trim

# Music: the tempo and the bar.
BEATS_PER_BAR = 4
PAD_BPM = 60.0
PAD_BARS_PER_CHORD = 2
PAD_CHORDS: tuple[tuple[str, tuple[int, ...]], ...] = (  # MIDI notes: bass first
    ("Cmaj7", (48, 55, 59, 64)),
    ("Am7", (45, 55, 60, 64)),
    ("Fmaj7", (41, 57, 60, 64)),
    ("G6", (43, 59, 62, 64)),
)
PAD_CROSSFADE_S = 4.0
PAD_DETUNE_CENTS = (-4.0, 4.0)  # left, right
PAD_VIBRATO_CENTS = 3.0
PAD_CROSSFEED = 0.2
PAD_LOWPASS_HZ = 800.0

BOX_BPM = 63.0  # one beat is exactly 42000 frames at 44.1 kHz
BOX_BARS = 8
BOX_MELODY: tuple[tuple[int, int, float], ...] = (  # (beat, MIDI note, velocity)
    (1, 76, 0.90),  # E5
    (3, 79, 0.80),  # G5
    (5, 81, 0.90),  # A5
    (6, 79, 0.70),  # G5
    (9, 76, 0.85),  # E5
    (11, 74, 0.75),  # D5
    (13, 72, 0.90),  # C5, held through the bar
    (17, 74, 0.85),  # D5
    (19, 76, 0.80),  # E5
    (21, 79, 0.90),  # G5
    (22, 81, 0.70),  # A5
    (23, 79, 0.65),  # G5
    (25, 76, 0.80),  # E5
    (26, 74, 0.70),  # D5
    (27, 72, 0.80),  # C5
    (29, 69, 0.80),  # A4, then rest into the loop
)
BOX_PARTIALS: tuple[tuple[float, float, float], ...] = (  # (frequency ratio, level, decay s)
    (1.0, 1.0, 1.6),
    (2.003, 0.28, 0.7),
    (3.009, 0.07, 0.35),
    (4.17, 0.04, 0.2),
    (5.43, 0.025, 0.12),
)
BOX_ONSET_S = 0.005
BOX_NOTE_S = 7.0
BOX_DRONE: tuple[tuple[int, float], ...] = ((48, 0.15), (55, 0.1))  # C3, G3 (MIDI, level)
SCALE_PITCH_CLASSES = {  # the notes each music bed is built from (C = 0)
    "warm-pad": frozenset({0, 2, 4, 5, 7, 9, 11}),
    "music-box": frozenset({0, 2, 4, 7, 9}),
}

RAIN_LOOP_S = 30.0
DROP_LEVEL = 4.0  # peak of the loudest droplet, relative to the RMS of the hiss
OCEAN_LOOP_S = 40.0
OCEAN_WAVES = 4
BROWN_LOOP_S = 24.0
STREAM_LOOP_S = 30.0


# ---------------------------------------------------------------------------------------------
# Small tools


def db_to_gain(db: float) -> float:
    return float(10 ** (db / 20))


def gain_to_db(gain: float) -> float:
    return float(20 * np.log10(max(gain, 1e-12)))


def rms(audio: Signal) -> float:
    return float(np.sqrt(np.mean(np.square(audio))))


def midi_hz(note: float) -> float:
    return float(440.0 * 2 ** ((note - 69) / 12))


def beat_frames(bpm: float, sample_rate: int) -> int:
    return round(60.0 / bpm * sample_rate)


def music_loop_frames(name: str, sample_rate: int = SAMPLE_RATE) -> int:
    """A music bed's loop: a whole number of bars."""
    if name == "warm-pad":
        bars = PAD_BARS_PER_CHORD * len(PAD_CHORDS)
        return bars * BEATS_PER_BAR * beat_frames(PAD_BPM, sample_rate)
    if name == "music-box":
        return BOX_BARS * BEATS_PER_BAR * beat_frames(BOX_BPM, sample_rate)
    raise KeyError(name)


def music_box_onsets_s(sample_rate: int = SAMPLE_RATE) -> list[float]:
    """When each melody note of the music box starts, in seconds from the start of the file."""
    beat = beat_frames(BOX_BPM, sample_rate)
    return [beat * b / sample_rate for b, _, _ in BOX_MELODY]


def frequencies_hz(frames: int, sample_rate: int) -> Signal:
    return np.asarray(np.fft.rfftfreq(frames, 1.0 / sample_rate), dtype=np.float64)


def pan_gains(pan: float | Signal) -> tuple[float | Signal, float | Signal]:
    """Constant-power panning: -1 is hard left, +1 hard right."""
    angle = (np.asarray(pan) + 1.0) * np.pi / 4
    return np.cos(angle), np.sin(angle)


def band_shape(freqs_hz: Signal, low_hz: float, high_hz: float, order: int = 1) -> Signal:
    """Magnitude of a smooth band-pass (Butterworth-like slopes of 6 dB/octave per order)."""
    f = np.maximum(freqs_hz, 1e-3)
    high_pass = 1.0 / np.sqrt(1.0 + (low_hz / f) ** (2 * order))
    low_pass = 1.0 / np.sqrt(1.0 + (f / high_hz) ** (2 * order))
    result: Signal = high_pass * low_pass
    return result


def octave_bump(freqs_hz: Signal, center_hz: float, width_oct: float) -> Signal:
    """A bell-shaped band in log frequency: a resonance without sharp edges."""
    octaves = np.log2(np.maximum(freqs_hz, 1.0) / center_hz)
    result: Signal = np.exp(-0.5 * (octaves / width_oct) ** 2)
    return result


def pink(freqs_hz: Signal) -> Signal:
    """Amplitude 1/sqrt(f): power 1/f."""
    result: Signal = 1.0 / np.sqrt(np.maximum(freqs_hz, 1.0))
    return result


def brown(freqs_hz: Signal) -> Signal:
    """Amplitude 1/f: power 1/f^2."""
    result: Signal = 1.0 / np.maximum(freqs_hz, 1.0)
    return result


def shaped_noise(
    rng: np.random.Generator, frames: int, amplitude: Signal, channels: int = 1
) -> Signal:
    """Noise with the given amplitude spectrum, unit RMS per channel, periodic over ``frames``.

    Built bin by bin over the whole loop, so every component has a whole number of cycles per loop.
    """
    bins = amplitude.size
    spectrum = rng.standard_normal((channels, bins)) + 1j * rng.standard_normal((channels, bins))
    spectrum *= amplitude
    spectrum[:, 0] = 0.0
    noise: Signal = np.fft.irfft(spectrum, n=frames, axis=-1)
    noise /= np.sqrt(np.mean(np.square(noise), axis=-1, keepdims=True))
    return noise


def stereo_noise(
    rng: np.random.Generator, frames: int, amplitude: Signal, correlation: float
) -> Signal:
    """Two channels of :func:`shaped_noise` with the given left-right correlation (0 = independent)."""
    common = shaped_noise(rng, frames, amplitude)
    own = shaped_noise(rng, frames, amplitude, 2)
    result: Signal = np.sqrt(correlation) * common + np.sqrt(1.0 - correlation) * own
    return result


def periodic_curve(
    rng: np.random.Generator, frames: int, sample_rate: int, low_hz: float, high_hz: float
) -> Signal:
    """A smooth random curve of unit RMS made of sinusoids between ``low_hz`` and ``high_hz``.

    Each has a whole number of cycles per loop (at least one), so the curve is periodic.
    """
    loop_s = frames / sample_rate
    first = max(1, math.ceil(low_hz * loop_s))
    last = max(first, math.floor(high_hz * loop_s))
    spectrum = np.zeros(frames // 2 + 1, dtype=np.complex128)
    spectrum[first : last + 1] = np.exp(2j * np.pi * rng.random(last - first + 1))
    curve: Signal = np.fft.irfft(spectrum, n=frames)
    return curve / rms(curve)


def add_circular(buffer: Signal, segment: Signal, start: int) -> None:
    """Add a (channels, n) segment into a (channels, frames) loop at ``start``, wrapping past the end."""
    frames = buffer.shape[-1]
    length = segment.shape[-1]
    if length > frames:
        raise ValueError("a segment longer than the loop")
    start %= frames
    first = min(length, frames - start)
    buffer[:, start : start + first] += segment[:, :first]
    buffer[:, : length - first] += segment[:, first:]


def edge_filter(freqs_hz: Signal) -> Signal:
    """Gain per rFFT bin: 0 below 25 Hz rising to 1 at 40 Hz, falling from 14.5 kHz to 0 at 16 kHz."""
    rise = np.clip((freqs_hz - HIGHPASS_HZ) / (HIGHPASS_FULL_HZ - HIGHPASS_HZ), 0.0, 1.0)
    fall = np.clip((TOP_HZ - freqs_hz) / (TOP_HZ - TOP_FADE_FROM_HZ), 0.0, 1.0)
    result: Signal = (0.5 - 0.5 * np.cos(np.pi * rise)) * (0.5 - 0.5 * np.cos(np.pi * fall))
    return result


def finish(audio: Signal, sample_rate: int, rms_db: float) -> Signal:
    """Band-limit a (channels, frames) loop without breaking its periodicity, and set its level."""
    frames = audio.shape[-1]
    spectrum = np.fft.rfft(audio, axis=-1) * edge_filter(frequencies_hz(frames, sample_rate))
    out: Signal = np.fft.irfft(spectrum, n=frames, axis=-1)
    return out * (db_to_gain(rms_db) / rms(out))


def steady_seam_rotation(audio: Signal, sample_rate: int) -> int:
    """How many frames to rotate a loop left so that the level just before and after its seam match.

    The seam of a periodic loop is inaudible wherever it falls, but the first play-through starts at
    frame 0, and a slowly swelling bed should not start in the middle of a swell.
    """
    frames = audio.shape[-1]
    power = np.square(audio)
    window = round(SEAM_WINDOW_S * sample_rate)
    wrapped = np.concatenate((power, power[:, :window]), axis=-1)
    energy_sum = np.concatenate((np.zeros((audio.shape[0], 1)), np.cumsum(wrapped, axis=-1)), -1)
    starts = np.arange(0, frames, max(1, sample_rate // 100))
    after = energy_sum[:, starts + window] - energy_sum[:, starts]
    before_starts = (starts - window) % frames
    before = energy_sum[:, before_starts + window] - energy_sum[:, before_starts]
    mismatch_db = np.max(np.abs(10 * np.log10((after + 1e-30) / (before + 1e-30))), axis=0)
    # Only where the step from the last sample to the first is an ordinary one for this bed.
    steps = np.abs(np.diff(audio, axis=-1, append=audio[:, :1]))
    ordinary = np.all(steps[:, starts - 1] <= np.percentile(steps, 90, axis=-1, keepdims=True), 0)
    mismatch_db[~ordinary] = np.inf
    return int(starts[int(np.argmin(mismatch_db))])


def reverb(
    rng: np.random.Generator,
    audio: Signal,
    sample_rate: int,
    *,
    rt60_s: float,
    wet: float,
    dark_hz: float = 3500.0,
    predelay_s: float = 0.02,
) -> Signal:
    """A soft room: circular convolution with decaying, darkened stereo noise.

    Circular, so the tail of the end of the loop lands on its start, as it will when it loops.
    """
    frames = audio.shape[-1]
    ir_frames = min(round(1.3 * rt60_s * sample_rate), frames)
    t = np.arange(ir_frames) / sample_rate
    decay = np.exp(-6.91 * t / rt60_s) * (1.0 - np.exp(-t / 0.015))
    impulse = np.zeros((2, frames))
    delay = round(predelay_s * sample_rate)
    impulse[:, delay : delay + ir_frames] = rng.standard_normal((2, ir_frames)) * decay
    freqs = frequencies_hz(frames, sample_rate)
    response = np.fft.rfft(impulse, axis=-1) * band_shape(freqs, 80.0, dark_hz, order=1)
    tail: Signal = np.fft.irfft(np.fft.rfft(audio, axis=-1) * response, n=frames, axis=-1)
    tail *= rms(audio) / rms(tail)
    result: Signal = np.sqrt(1.0 - wet) * audio + np.sqrt(wet) * tail
    return result


def k_weighted_loudness(audio: Signal, sample_rate: int) -> float:
    """Integrated loudness (LUFS-like, no gating) of a (channels, frames) loop, by K-weighting in the
    frequency domain: the ITU-R BS.1770 pre-filter and RLB high-pass, evaluated per rFFT bin."""
    frames = audio.shape[-1]
    z = np.exp(-2j * np.pi * frequencies_hz(frames, sample_rate) / 48000.0)  # the 48 kHz design

    def biquad(b: tuple[float, float, float], a: tuple[float, float, float]) -> Signal:
        response: Signal = np.abs((b[0] + b[1] * z + b[2] * z**2) / (a[0] + a[1] * z + a[2] * z**2))
        return response

    shelf = biquad(
        (1.53512485958697, -2.69169618940638, 1.19839281085285),
        (1.0, -1.69065929318241, 0.73248077421585),
    )
    high_pass = biquad((1.0, -2.0, 1.0), (1.0, -1.99004745483398, 0.99007225036621))
    weighted = np.fft.irfft(np.fft.rfft(audio, axis=-1) * shelf * high_pass, n=frames, axis=-1)
    mean_square = float(np.sum(np.mean(np.square(weighted), axis=-1)))
    return -0.691 + 10 * math.log10(mean_square)


# ---------------------------------------------------------------------------------------------
# The beds: each takes its generator and the sample rate and returns a (2, frames) loop.


def _rain(rng: np.random.Generator, sample_rate: int) -> Signal:
    frames = round(RAIN_LOOP_S * sample_rate)
    freqs = frequencies_hz(frames, sample_rate)
    hiss_shape = pink(freqs) * band_shape(freqs, 150.0, 7000.0, order=1)
    hiss = stereo_noise(rng, frames, hiss_shape, correlation=0.25)
    drops = _droplets(rng, frames, sample_rate, count=round(40 * RAIN_LOOP_S))
    return hiss + DROP_LEVEL * drops


def _droplets(rng: np.random.Generator, frames: int, sample_rate: int, count: int) -> Signal:
    """Tiny ticks: short noise bursts band-passed around a random pitch, placed at random."""
    burst_frames = round(0.05 * sample_rate)
    t = np.arange(burst_frames) / sample_rate
    attack_s = rng.uniform(0.0005, 0.0015, (count, 1))
    decay_s = rng.uniform(0.003, 0.012, (count, 1))
    center_hz = np.exp(rng.uniform(np.log(1500.0), np.log(7000.0), (count, 1)))
    level = 10 ** (rng.uniform(-24.0, 0.0, (count, 1)) / 20)
    left, right = pan_gains(rng.uniform(-0.9, 0.9, (count, 1)))
    starts = rng.integers(0, frames, count)
    spectrum = np.fft.rfft(rng.standard_normal((count, burst_frames)), axis=-1)
    octaves = np.log2(np.maximum(frequencies_hz(burst_frames, sample_rate), 1.0) / center_hz)
    bursts = np.fft.irfft(spectrum * np.exp(-0.5 * (octaves / 0.25) ** 2), n=burst_frames, axis=-1)
    onset = 0.5 - 0.5 * np.cos(np.pi * np.clip(t / attack_s, 0.0, 1.0))
    tail_fade = np.clip((t[-1] - t) / 0.01, 0.0, 1.0)
    bursts *= onset * np.exp(-t / decay_s) * tail_fade
    bursts *= level / np.max(np.abs(bursts), axis=-1, keepdims=True)
    index = ((starts[:, None] + np.arange(burst_frames)) % frames).ravel()
    return np.stack(
        [
            np.bincount(index, weights=(bursts * gain).ravel(), minlength=frames)
            for gain in (left, right)
        ]
    )


def _ocean(rng: np.random.Generator, sample_rate: int) -> Signal:
    frames = round(OCEAN_LOOP_S * sample_rate)
    freqs = frequencies_hz(frames, sample_rate)
    cycle = 2 * np.pi * np.arange(frames) / frames  # one turn per loop
    # OCEAN_WAVES turns per loop, warped by whole-cycle sinusoids: waves of about 8-12 s.
    wave_phase = OCEAN_WAVES * cycle
    for harmonic, depth in ((1, 0.35), (2, 0.12), (3, 0.06)):
        wave_phase += depth * np.sin(harmonic * cycle + rng.uniform(0, 2 * np.pi))
    height = 1.0 + 0.2 * periodic_curve(rng, frames, sample_rate, 0.02, 0.1)

    def swell(lag: float) -> Signal:
        phase = wave_phase - lag
        shape: Signal = 0.5 - 0.5 * np.cos(phase - 0.5 * np.sin(phase))  # quick build, slow fall
        return shape

    body_level = (0.3 + 0.7 * swell(0.0)) * height
    wash_level = swell(0.7) ** 2 * height
    body_shape = brown(freqs) * band_shape(freqs, 40.0, 1200.0, order=1)
    body = stereo_noise(rng, frames, body_shape, correlation=0.55)
    wash_shape = pink(freqs) * band_shape(freqs, 250.0, 5000.0, order=2)
    wash = stereo_noise(rng, frames, wash_shape, correlation=0.25)
    left, right = pan_gains(0.35 * periodic_curve(rng, frames, sample_rate, 0.02, 0.06))
    wash *= np.stack([np.asarray(left), np.asarray(right)]) * np.sqrt(2)
    result: Signal = body * body_level + 0.9 * wash * wash_level
    return result


def _brown_noise(rng: np.random.Generator, sample_rate: int) -> Signal:
    frames = round(BROWN_LOOP_S * sample_rate)
    freqs = frequencies_hz(frames, sample_rate)
    shape = brown(freqs) * band_shape(freqs, 30.0, 4000.0, order=1)
    return stereo_noise(rng, frames, shape, correlation=0.81)


def _stream(rng: np.random.Generator, sample_rate: int) -> Signal:
    frames = round(STREAM_LOOP_S * sample_rate)
    freqs = frequencies_hz(frames, sample_rate)
    out = 0.45 * stereo_noise(rng, frames, pink(freqs) * band_shape(freqs, 200.0, 4000.0, 2), 0.4)
    emphasis_oct = np.log2(1000.0) + 0.8 * periodic_curve(rng, frames, sample_rate, 0.02, 0.08)
    for center_hz in np.geomspace(350.0, 3200.0, 9):
        band = stereo_noise(rng, frames, octave_bump(freqs, float(center_hz), 0.25), 0.4)
        wobble = np.tanh(0.6 * periodic_curve(rng, frames, sample_rate, 1.5, 8.0))
        babble = np.exp(1.3 * wobble)  # bubbly, but bounded: no sudden loud gurgle
        babble /= np.mean(babble)
        emphasis = np.exp(-0.5 * ((np.log2(center_hz) - emphasis_oct) / 0.9) ** 2)
        out += band * babble * emphasis * (center_hz / 1000.0) ** -0.3
    gusts = 1.0 + 0.15 * periodic_curve(rng, frames, sample_rate, 0.03, 0.15)
    result: Signal = out * gusts
    return result


def _wavetable(f0_hz: float, size: int = 4096) -> Signal:
    """One cycle of the pad's wave, already dark: a soft sawtooth (harmonics 1/n^1.3) through a
    12 dB/octave low-pass at :data:`PAD_LOWPASS_HZ`. One extra sample closes the cycle for
    interpolation."""
    phase = 2 * np.pi * np.arange(size + 1) / size
    table = np.zeros(size + 1)
    for n in range(1, int(4 * PAD_LOWPASS_HZ / f0_hz) + 1):
        dark = 1.0 / math.sqrt(1.0 + (n * f0_hz / PAD_LOWPASS_HZ) ** 4)
        table += dark * np.sin(n * phase) / n**1.3
    return table


def _pad_note(rng: np.random.Generator, note: int, frames: int, sample_rate: int) -> Signal:
    """One note: a voice per channel, detuned against each other and each with its own slow vibrato.

    The two drift in and out of phase between the ears (a stereo chorus: wide and moving) but
    never beat within one channel, so the level stays smooth instead of trembling.
    """
    f0_hz = midi_hz(note)
    table = _wavetable(f0_hz)
    size = table.size - 1
    t = np.arange(frames) / sample_rate
    out = np.zeros((2, frames))
    for channel, detune_cents in enumerate(PAD_DETUNE_CENTS):
        freq_hz = f0_hz * 2 ** ((detune_cents + rng.uniform(-1.0, 1.0)) / 1200)
        vibrato_hz = rng.uniform(0.15, 0.35)
        swing = PAD_VIBRATO_CENTS * np.log(2) / 1200 / (2 * np.pi * vibrato_hz)
        wobble = np.cos(2 * np.pi * vibrato_hz * t + rng.uniform(0, 2 * np.pi))
        cycles = freq_hz * (t - swing * wobble) + rng.random()
        wave = np.interp((cycles % 1.0) * size, np.arange(size + 1), table)
        breath = 1.0 + 0.1 * np.sin(2 * np.pi * rng.uniform(0.08, 0.15) * t + rng.uniform(0, 6))
        out[channel] = wave * breath
    return out + PAD_CROSSFEED * out[::-1]  # a little of each voice in the other ear: less hollow


def _warm_pad(rng: np.random.Generator, sample_rate: int) -> Signal:
    """Each chord enters on its bar line over :data:`PAD_CROSSFADE_S` while the one before fades
    out (equal power, and every chord at the same level), so the level stays even throughout."""
    frames = music_loop_frames("warm-pad", sample_rate)
    chord_frames = frames // len(PAD_CHORDS)
    fade = round(PAD_CROSSFADE_S * sample_rate)
    note_frames = chord_frames + fade
    x = np.arange(fade) / fade
    envelope = np.ones(note_frames)
    envelope[:fade] = np.sin(np.pi / 2 * x)
    envelope[-fade:] = np.cos(np.pi / 2 * x)
    out = np.zeros((2, frames))
    for index, (_, notes) in enumerate(PAD_CHORDS):
        chord = np.zeros((2, note_frames))
        for voice, note in enumerate(notes):
            chord += (0.8 if voice == 0 else 0.5) * _pad_note(rng, note, note_frames, sample_rate)
        chord *= envelope / rms(chord[:, fade:chord_frames])
        add_circular(out, chord, index * chord_frames)
    return reverb(rng, out, sample_rate, rt60_s=2.6, wet=0.35, dark_hz=2500.0)


def _struck_tone(f0_hz: float, velocity: float, sample_rate: int) -> Signal:
    """A music-box / soft bell note: inharmonic partials decaying exponentially, a 5 ms soft onset."""
    frames = round(BOX_NOTE_S * sample_rate)
    t = np.arange(frames) / sample_rate
    tone = np.zeros(frames)
    for ratio, level, decay_s in BOX_PARTIALS:
        brightness = 1.0 if ratio == 1.0 else velocity
        tone += level * brightness * np.exp(-t / decay_s) * np.sin(2 * np.pi * ratio * f0_hz * t)
    onset = 0.5 - 0.5 * np.cos(np.pi * np.clip(t / BOX_ONSET_S, 0.0, 1.0))
    fade = 0.5 + 0.5 * np.cos(np.pi * np.clip((t - (BOX_NOTE_S - 1.5)) / 1.5, 0.0, 1.0))
    result: Signal = velocity * tone * onset * fade
    return result


def _music_box(rng: np.random.Generator, sample_rate: int) -> Signal:
    frames = music_loop_frames("music-box", sample_rate)
    beat = beat_frames(BOX_BPM, sample_rate)
    out = np.zeros((2, frames))
    for beat_index, note, velocity in BOX_MELODY:
        tone = _struck_tone(midi_hz(note), velocity, sample_rate)
        left, right = pan_gains((note - 75) / 12)
        add_circular(out, np.stack([tone * left, tone * right]), beat_index * beat)
    # The drone: sinusoids with a whole number of cycles per loop. Its slow beating (a partner 3
    # cycles per loop higher) and its breathing both peak at the seam, so they are symmetric about
    # it: the drone is as loud just before the seam as just after.
    cycle = 2 * np.pi * np.arange(frames) / frames
    breath = 1.0 + 0.2 * np.cos(round(frames / sample_rate / 9.0) * cycle)
    for note, level in BOX_DRONE:
        cycles = round(midi_hz(note) * frames / sample_rate)
        phase = rng.uniform(0, 2 * np.pi)
        partials = (
            (cycles, 1.0, phase),
            (cycles + 3, 0.5, phase),
            (2 * cycles, 0.2, rng.uniform(0, 2 * np.pi)),
        )
        for partial_cycles, partial_level, partial_phase in partials:
            voice = level * partial_level * breath * np.sin(partial_cycles * cycle + partial_phase)
            left, right = pan_gains(rng.uniform(-0.5, 0.5))
            out += np.stack([voice * left, voice * right])
    return reverb(rng, out, sample_rate, rt60_s=2.2, wet=0.3, dark_hz=4000.0)


@dataclass(frozen=True, slots=True)
class Bed:
    name: str
    title: str
    kind: str  # "nature", "noise" or "music"
    description: str
    seed: int
    make: Callable[[np.random.Generator, int], Signal]

    @property
    def rms_db(self) -> float:
        return MUSIC_RMS_DB if self.kind == "music" else NOISE_RMS_DB


_BEDS = (
    Bed(
        "rain",
        "Gentle rain",
        "nature",
        "Steady soft rain with tiny droplets all around.",
        1101,
        _rain,
    ),
    Bed(
        "ocean",
        "Slow waves",
        "nature",
        "Waves rolling in and out, about every ten seconds.",
        1202,
        _ocean,
    ),
    Bed(
        "brown-noise",
        "Brown noise",
        "noise",
        "Deep, even brown noise, like a distant waterfall.",
        1303,
        _brown_noise,
    ),
    Bed(
        "stream",
        "Quiet brook",
        "nature",
        "A small brook babbling softly over stones.",
        1404,
        _stream,
    ),
    Bed(
        "warm-pad",
        "Warm pad",
        "music",
        "Slow, warm synth chords in C major (Cmaj7-Am7-Fmaj7-G6).",
        1505,
        _warm_pad,
    ),
    Bed(
        "music-box",
        "Music box",
        "music",
        "A slow, sparse music-box lullaby over a soft drone.",
        1606,
        _music_box,
    ),
)
BEDS: tuple[str, ...] = tuple(bed.name for bed in _BEDS)
_BY_NAME = {bed.name: bed for bed in _BEDS}


def render_bed(name: str, sample_rate: int = SAMPLE_RATE) -> Stereo:
    """One bed as float32 ``(frames, 2)``, exactly as written to ``soundscapes/NAME.flac``
    (after :func:`to_pcm16`)."""
    bed = _BY_NAME[name]
    audio = finish(bed.make(np.random.default_rng(bed.seed), sample_rate), sample_rate, bed.rms_db)
    if bed.kind != "music":  # music starts on its first bar
        audio = np.roll(audio, -steady_seam_rotation(audio, sample_rate), axis=-1)
    peak_db = gain_to_db(float(np.max(np.abs(audio))))
    if peak_db >= PEAK_LIMIT_DB:
        raise ValueError(f"{name}: peak {peak_db:.1f} dBFS is too high")
    return np.ascontiguousarray(audio.T, dtype=np.float32)


def to_pcm16(audio: Stereo) -> npt.NDArray[np.int16]:
    return np.round(audio * PCM_SCALE).astype(np.int16)


def write_all(out_dir: Path = OUT_DIR, sample_rate: int = SAMPLE_RATE) -> None:
    """Render every bed into ``out_dir`` as FLAC, write the catalog, print one line per bed."""
    out_dir.mkdir(parents=True, exist_ok=True)
    loudness: dict[str, float] = {}
    for bed in _BEDS:
        audio = render_bed(bed.name, sample_rate)
        path = out_dir / f"{bed.name}.flac"
        sf.write(path, to_pcm16(audio), sample_rate, format="FLAC", subtype="PCM_16")
        planar = audio.T.astype(np.float64)
        loudness[bed.name] = k_weighted_loudness(planar, sample_rate)
        rms_db = gain_to_db(rms(planar))
        peak_db = gain_to_db(float(np.max(np.abs(audio))))
        print(
            f"{bed.name:<12} {len(audio) / sample_rate:6.2f} s  RMS {rms_db:6.1f} dBFS"
            f"  peak {peak_db:6.1f} dBFS  {loudness[bed.name]:6.1f} LUFS"
            f"  {path.stat().st_size / 1e6:5.2f} MB"
        )
    quietest = min(value for name, value in loudness.items() if _BY_NAME[name].kind != "music")
    catalog = [
        {
            "name": bed.name,
            "title": bed.title,
            "kind": bed.kind,
            "description": bed.description,
            "gain_db": round(min(0.0, quietest + LOUDNESS_SPREAD_DB - loudness[bed.name]), 1) + 0.0,
        }
        for bed in _BEDS
    ]
    (out_dir / CATALOG_NAME).write_text(json.dumps(catalog, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="folder to write into")
    args = parser.parse_args()
    write_all(args.out)


if __name__ == "__main__":
    main()

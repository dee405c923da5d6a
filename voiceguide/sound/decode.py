"""Decoding a user's audio file (a soundscape, a recorded line): libsndfile (WAV, FLAC, Ogg
Vorbis/Opus, MP3) or, for what it cannot read (M4A/AAC and others), ffmpeg from the system or the
``imageio-ffmpeg`` package. Files are untrusted: devices, folders and huge files are refused first."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import BinaryIO

import numpy as np
import soundfile

from voiceguide.errors import InputError
from voiceguide.untrusted import open_regular

MAX_FILE_BYTES = 200_000_000
MIN_RATE, MAX_RATE = 8000, 384_000  # samples a second
MAX_CHANNELS = 32


def decode_file(path: Path, *, max_s: float, what: str) -> tuple[np.ndarray, int]:
    """``(frames, channels)`` float32 samples and their rate, at most ``max_s`` seconds: libsndfile,
    else ffmpeg; the file is checked first. ``what`` it is (a soundscape, a recording) names it in
    errors."""
    with open_regular(path, most_bytes=MAX_FILE_BYTES, what=f"a {what}") as stream:
        try:
            with soundfile.SoundFile(stream) as source:
                _check_shape(path, what, source.samplerate, source.channels)
                frames = min(source.frames, round(max_s * source.samplerate))
                samples = source.read(frames, dtype="float32", always_2d=True)
                return _finite(path, what, samples), source.samplerate
        except (soundfile.LibsndfileError, RuntimeError, TypeError):
            pass  # not a format libsndfile reads: try ffmpeg
        samples, rate = _decode_with_ffmpeg(path, stream, max_s)
        return _finite(path, what, samples), rate


def _check_shape(path: Path, what: str, rate: int, channels: int) -> None:
    """A header's rate and channels within reason (a 1 Hz file once divided by zero)."""
    if not MIN_RATE <= rate <= MAX_RATE:
        raise InputError(
            f"{path}: expected a {what} of {MIN_RATE} to {MAX_RATE} samples a second, got {rate}"
        )
    if not 1 <= channels <= MAX_CHANNELS:
        raise InputError(
            f"{path}: expected a {what} of 1 to {MAX_CHANNELS} channels, got {channels}"
        )


def _finite(path: Path, what: str, samples: np.ndarray) -> np.ndarray:
    """Float files can hold NaN or infinities, which no later step can mix."""
    if not np.isfinite(samples).all():
        raise InputError(f"{path}: expected a {what} of audio samples, got NaN or infinite values")
    return samples


def find_ffmpeg() -> str | None:
    """ffmpeg from the system, else from the imageio-ffmpeg package, else None."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError):
        return None


def _decode_with_ffmpeg(path: Path, stream: BinaryIO, max_s: float) -> tuple[np.ndarray, int]:
    """ffmpeg reads the file already opened (and checked), through its descriptor."""
    ffmpeg = find_ffmpeg()
    if ffmpeg is None:
        raise InputError(
            f"{path}: this format needs ffmpeg; install it (apt-get install ffmpeg) "
            "or the imageio-ffmpeg package (pip install imageio-ffmpeg)"
        )
    rate = 44100
    descriptor = stream.fileno()
    command = [ffmpeg, "-nostdin", "-v", "error", "-i", f"file:/dev/fd/{descriptor}"]
    command += ["-t", str(max_s), "-vn", "-ac", "2", "-ar", str(rate), "-f", "f32le", "-"]
    done = subprocess.run(
        command, capture_output=True, timeout=120, check=False, pass_fds=(descriptor,)
    )
    if done.returncode != 0 or not done.stdout:
        reason = done.stderr.decode(errors="replace").strip().splitlines()
        detail = reason[-1] if reason else "no audio"
        raise InputError(f"{path}: cannot decode the file ({detail})")
    samples = np.frombuffer(done.stdout, dtype="<f4").reshape(-1, 2).copy()
    return samples, rate

"""Encoding a stream of rendered blocks into a file: libsndfile for WAV, FLAC, MP3, Ogg Vorbis and
Opus (all from the soundfile wheel), ffmpeg for AAC in M4A/M4B (from the system or imageio-ffmpeg)."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile

from voiceguide.errors import ExportError
from voiceguide.export.formats import Format
from voiceguide.export.metadata import Metadata

Progress = Callable[[int, int], None]  # (frames written, total frames)

# libsndfile's Vorbis encoder is VBR: its "compression level" picks a quality. Nominal bitrates
# measured for full-band stereo at 44.1 kHz (speech and quiet beds come out well below these).
_VORBIS_KBPS = (67.0, 82.0, 100.0, 110.0, 123.0, 168.0)
_VORBIS_LEVEL = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5)


def compression_level(fmt: Format, kbps: int) -> float:
    """libsndfile's 0..1 compression level that gives ``kbps`` (checked against files in the tests)."""
    if (
        fmt.name == "mp3"
    ):  # constant bitrate: 0 is 320 kbps, and lame picks the nearest standard rate
        return min(0.99, max(0.0, (320 - kbps) / 288))
    if fmt.name == "opus":  # 0 is about 512 kbps, 1 about 12 kbps, linearly
        return min(1.0, max(0.0, (512 - kbps) / 500))
    return float(np.interp(kbps, _VORBIS_KBPS, _VORBIS_LEVEL))


def _downmix(block: np.ndarray, mono: bool) -> np.ndarray:
    return block.mean(axis=1, keepdims=True, dtype=np.float32) if mono else block


def _pcm16(block: np.ndarray) -> npt.NDArray[np.int16]:
    """Round float samples to 16-bit integers (several times faster than libsndfile's conversion)."""
    pcm: npt.NDArray[np.int16] = np.rint(np.clip(block, -1.0, 32767 / 32768) * 32768).astype(
        np.int16
    )
    return pcm


def _reported(
    blocks: Iterable[np.ndarray], total_frames: int, progress: Progress | None
) -> Iterator[np.ndarray]:
    """The blocks, telling ``progress`` how many frames have gone by after each."""
    written = 0
    for block in blocks:
        yield block
        written += len(block)
        if progress:
            progress(written, total_frames)


def encode_sndfile(
    path: Path,
    blocks: Iterable[np.ndarray],
    fmt: Format,
    *,
    sample_rate: int,
    mono: bool,
    kbps: int | None,
    total_frames: int,
    progress: Progress | None,
) -> None:
    extra: dict[str, object] = {}
    if fmt.lossy and kbps is not None:
        extra["compression_level"] = compression_level(fmt, kbps)
        if fmt.name == "mp3":
            extra["bitrate_mode"] = "CONSTANT"
    try:
        with soundfile.SoundFile(
            path, "w", samplerate=sample_rate, channels=1 if mono else 2,
            format=fmt.container, subtype=fmt.subtype, **extra,
        ) as sink:  # fmt: skip
            for block in _reported(blocks, total_frames, progress):
                samples = _downmix(block, mono)
                sink.write(_pcm16(samples) if fmt.subtype == "PCM_16" else samples)
    except (OSError, RuntimeError) as error:
        raise ExportError(f"cannot write {path.name}: {error}") from None


def encode_ffmpeg(
    path: Path,
    blocks: Iterable[np.ndarray],
    fmt: Format,
    *,
    ffmpeg: str,
    metadata: Metadata,
    sample_rate: int,
    mono: bool,
    kbps: int | None,
    total_frames: int,
    progress: Progress | None,
) -> None:
    """Pipe 16-bit PCM into ffmpeg; tags and chapters go in as an FFMETADATA file."""
    channels = 1 if mono else 2
    with tempfile.TemporaryDirectory(prefix="voiceguide-ffmpeg-") as folder:
        metadata_path = Path(folder) / "metadata.txt"
        metadata_path.write_text(ffmetadata(metadata), encoding="utf-8")
        command = [
            ffmpeg, "-nostdin", "-v", "error", "-y",
            "-f", "s16le", "-ar", str(sample_rate), "-ac", str(channels), "-i", "pipe:0",
            "-i", str(metadata_path), "-map", "0:a", "-map_metadata", "1", "-map_chapters", "1",
            "-c:a", fmt.subtype, "-b:a", f"{kbps}k", "-movflags", "+faststart", "-f", fmt.container, str(path),
        ]  # fmt: skip
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        assert process.stdin is not None and process.stderr is not None
        try:
            for block in _reported(blocks, total_frames, progress):
                process.stdin.write(_pcm16(_downmix(block, mono)).tobytes())
            process.stdin.close()
            errors = process.stderr.read().decode(errors="replace").strip()
            if process.wait() != 0:
                raise ExportError(
                    f"ffmpeg could not write {path.name}: {errors.splitlines()[-1] if errors else 'failed'}"
                )
        except BrokenPipeError:
            errors = process.stderr.read().decode(errors="replace").strip()
            raise ExportError(
                f"ffmpeg stopped while writing {path.name}: {errors or 'no message'}"
            ) from None
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            process.stderr.close()


def ffmetadata(metadata: Metadata) -> str:
    """ffmpeg's metadata file: global tags, then one [CHAPTER] per chapter in milliseconds."""

    def escape(value: str) -> str:
        for char in "\\=;#\n":
            value = value.replace(char, "\\" + char)
        return value

    lines = [
        ";FFMETADATA1",
        f"title={escape(metadata.title)}",
        f"artist={escape(metadata.artist)}",
        f"album={escape(metadata.album)}",
        f"genre={escape(metadata.genre)}",
        f"date={escape(metadata.year)}",
        f"comment={escape(metadata.comment)}",
        f"description={escape(metadata.comment)}",
        f"encoder={escape(metadata.encoder)}",
    ]
    for chapter in metadata.chapters:
        lines += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={round(chapter.start_s * 1000)}",
            f"END={round(chapter.end_s * 1000)}",
            f"title={escape(chapter.title)}",
        ]
    return "\n".join(lines) + "\n"

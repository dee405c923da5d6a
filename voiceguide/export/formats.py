"""The export formats, chosen by file extension, with spoken-word defaults that keep files small."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from voiceguide.errors import OptionError
from voiceguide.routine.vocabulary import EXPORT_SAMPLE_RATES


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    extensions: tuple[str, ...]
    encoder: str  # "sndfile" (libsndfile), "lame" (lameenc) or "av" (FFmpeg's libraries via PyAV)
    container: str  # libsndfile's format, or FFmpeg's muxer
    subtype: str  # libsndfile's subtype, or FFmpeg's codec
    lossy: bool
    default_kbps: int | None = None
    kbps_range: tuple[int, int] | None = None
    sample_rates: tuple[int, ...] = EXPORT_SAMPLE_RATES

    @property
    def ceiling_dbtp(self) -> float:
        """True-peak ceiling: -1 dBTP, with 1 dB more headroom before lossy encoding."""
        return -2.0 if self.lossy else -1.0


FORMATS = (
    Format("wav", (".wav",), "sndfile", "WAV", "PCM_16", lossy=False),
    Format("flac", (".flac",), "sndfile", "FLAC", "PCM_16", lossy=False),
    Format(
        "mp3",
        (".mp3",),
        "lame",
        "MP3",
        "MPEG_LAYER_III",
        True,
        64,
        (32, 320),
        (32000, 44100, 48000),
    ),
    Format("ogg", (".ogg", ".oga"), "sndfile", "OGG", "VORBIS", True, 80, (64, 160)),
    Format("opus", (".opus",), "av", "ogg", "libopus", True, 48, (12, 256), sample_rates=(48000,)),
    Format("m4a", (".m4a",), "av", "ipod", "aac", True, 64, (32, 320)),
    Format("m4b", (".m4b",), "av", "ipod", "aac", True, 64, (32, 320)),
)
_BY_EXTENSION = {extension: fmt for fmt in FORMATS for extension in fmt.extensions}
_BY_NAME = {fmt.name: fmt for fmt in FORMATS}
EXTENSIONS = tuple(_BY_EXTENSION)


def format_for(path: Path) -> Format:
    try:
        return _BY_EXTENSION[path.suffix.lower()]
    except KeyError:
        known = ", ".join(EXTENSIONS)
        raise OptionError(
            f"cannot export '{path.name}': expected a file name ending in {known}"
        ) from None


def format_named(name: str) -> Format:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise OptionError(f"expected a format from {', '.join(_BY_NAME)}, got '{name}'") from None


@dataclass(frozen=True, slots=True)
class EncodeOptions:
    """How to encode: ``None`` takes the format's default."""

    kbps: int | None = None
    sample_rate: int | None = None
    mono: bool = False

    def resolved_rate(self, fmt: Format) -> int:
        rate = self.sample_rate or (
            48000 if 48000 in fmt.sample_rates and 44100 not in fmt.sample_rates else 44100
        )
        if rate not in fmt.sample_rates:
            rates = ", ".join(str(r) for r in fmt.sample_rates)
            raise OptionError(f"{fmt.name} files take a sample rate of {rates} Hz, got {rate}")
        return rate

    def resolved_kbps(self, fmt: Format) -> int | None:
        if not fmt.lossy:
            if self.kbps is not None:
                raise OptionError(f"{fmt.name} is lossless: --bitrate does not apply")
            return None
        kbps = self.kbps or fmt.default_kbps
        assert kbps is not None and fmt.kbps_range is not None
        low, high = fmt.kbps_range
        if not low <= kbps <= high:
            raise OptionError(f"{fmt.name} takes a bitrate from {low} to {high} kbps, got {kbps}")
        return kbps

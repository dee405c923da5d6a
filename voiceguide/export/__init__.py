"""Exporting a rendered session to audio files."""

from voiceguide.export.atomic import atomic_path
from voiceguide.export.audiofile import FORMATS, check_format, write_audio

__all__ = ["FORMATS", "atomic_path", "check_format", "write_audio"]

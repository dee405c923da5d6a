"""Exporting sessions: formats, encoders, tags and chapters, sidecars, atomic writes."""

from voiceguide.export.atomic import atomic_path
from voiceguide.export.formats import (
    EXTENSIONS,
    FORMATS,
    EncodeOptions,
    Format,
    format_for,
    format_named,
)
from voiceguide.export.metadata import Metadata, metadata_for
from voiceguide.export.session import Outputs, write_session

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "EncodeOptions",
    "Format",
    "Metadata",
    "Outputs",
    "atomic_path",
    "format_for",
    "format_named",
    "metadata_for",
    "write_session",
]

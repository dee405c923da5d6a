"""Rendering: the mixer, the bed's ducking under the voice, and loudness normalization."""

from voiceguide.render.ducking import Ducking
from voiceguide.render.mix import (
    BLOCK_FRAMES,
    CEILING_DB,
    CHANNELS,
    SAMPLE_RATE,
    Mix,
    db_to_gain,
    render_blocks,
)
from voiceguide.render.normalize import Leveling, measure, normalize

__all__ = [
    "BLOCK_FRAMES",
    "CEILING_DB",
    "CHANNELS",
    "SAMPLE_RATE",
    "Ducking",
    "Leveling",
    "Mix",
    "db_to_gain",
    "measure",
    "normalize",
    "render_blocks",
]

"""Routine scripts: the model, loading with located errors, and the bundled routines."""

from voiceguide.routine.bundled import DEFAULT_ROUTINE, bundled_names, find_routine, load_bundled
from voiceguide.routine.load import load_routine, parse_routine
from voiceguide.routine.model import (
    Audience,
    Hand,
    Pause,
    Prompt,
    Routine,
    Segment,
    Speech,
    Step,
    VoiceSettings,
    Where,
)

__all__ = [
    "DEFAULT_ROUTINE",
    "Audience",
    "Hand",
    "Pause",
    "Prompt",
    "Routine",
    "Segment",
    "Speech",
    "Step",
    "VoiceSettings",
    "Where",
    "bundled_names",
    "find_routine",
    "load_bundled",
    "load_routine",
    "parse_routine",
]

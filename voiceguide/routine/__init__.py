"""The routine model: plain frozen values, the words voiceguide adds in each language, and the
vocabulary of names and ranges. Standard library only; reading a routine file (YAML) is
:mod:`voiceguide.routinefile`'s."""

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
]

"""The routine model: plain frozen values, the words voiceguide adds in each language, and the
vocabulary of names and ranges. Standard library only; reading a routine file (YAML) is
:mod:`voiceguide.routinefile`'s.

The model's names are loaded on first use (PEP 562), so that importing
``voiceguide.routine.vocabulary`` (the CLI's choices, for ``--help``) does not build the model's
dataclasses and the words of every language."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
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


def __getattr__(name: str) -> object:
    if name in __all__:
        from voiceguide.routine import model

        return getattr(model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

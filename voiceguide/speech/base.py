"""What every speech engine offers, and the values passed to and from it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

Samples = npt.NDArray[np.float32]

# Told of each clip as the engine finishes it, on the thread that asked (progress line by line,
# while a batch is still being spoken). Engines call :func:`clip_said`.
on_clip_said: ContextVar[Callable[[], None] | None] = ContextVar("on_clip_said", default=None)


def clip_said() -> None:
    """One clip of the batch being spoken is done."""
    told = on_clip_said.get()
    if told is not None:
        told()


@dataclass(frozen=True, slots=True)
class Voice:
    """Resolved voice settings: every field set, so they can key the clip cache."""

    name: str
    rate_wpm: int
    pitch: int


@dataclass(frozen=True, slots=True)
class VoiceInfo:
    """One entry of ``voiceguide voices``."""

    engine: str
    name: str
    language: str
    description: str
    quality: str = ""  # neural voices: x_low, low, medium or high
    sample_rate_hz: int | None = None  # where the engine says before speaking
    gender: str = ""  # female or male, where the engine says
    licence: str = ""  # the voice's own licence, where it has one (an SPDX name)


@dataclass(frozen=True, slots=True)
class Clip:
    """Engine output: mono float32 samples in [-1, 1] at the engine's own rate."""

    samples: Samples
    sample_rate: int

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate


class SpeechEngine(Protocol):
    """A speech synthesizer. ``identity`` changes whenever the same text could sound different."""

    name: str
    default_voice: Voice

    def identity(self, voice: Voice) -> str:
        """Engine name and version (and, where a voice is a model file, that file's hash): part of
        every clip's cache key."""
        ...

    def voices(self) -> list[VoiceInfo]: ...

    def synthesize(self, texts: Sequence[str], voice: Voice) -> list[Clip]:
        """Speak each text as one clip, in order. Raises :class:`EngineError` on failure."""
        ...

"""What the transport says is heard over the next frames, as plain values: the mixer's session
audio from a place, the hold's bed, silence, a fade-out of one of those, or a cross-fade from the
old place to the new. :mod:`voiceguide.player.fades` renders them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Silence:
    frames: int


@dataclass(frozen=True, slots=True)
class Session:
    """The session from ``start`` (silence past its end); ``ramp_in`` = (frames of the fade-in
    already done, frames of it to apply here) after a resume."""

    start: int
    frames: int
    ramp_in: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Bed:
    """The soundscape alone while the player waits at a hold entered at ``entry``."""

    start: int
    frames: int
    entry: int


@dataclass(frozen=True, slots=True)
class FadeOut:
    """``source`` fading out: ``remaining`` frames of a ``total``-frame fade were still to go."""

    source: Session | Bed
    remaining: int
    total: int

    @property
    def frames(self) -> int:
        return self.source.frames


@dataclass(frozen=True, slots=True)
class Crossfade:
    """``old`` fading out while ``new`` (as many frames) fades in."""

    old: Session | Bed
    new: tuple[Segment, ...]

    @property
    def frames(self) -> int:
        return self.old.frames


Segment = Silence | Session | Bed | FadeOut | Crossfade

"""The bed's gain under the voice: down before the first syllable, up slowly after the last word.

Computed from the timeline, where every spoken interval is known in advance, so the envelope is
exact and cannot pump: phrases closer than :data:`BRIDGE_S` are treated as one, and the bed stays
down through the short gap between them.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from voiceguide.timeline import VoiceEvent

DUCK_DB = -10.0
ATTACK_S = 0.15  # the ramp down ends at the first syllable
HOLD_S = 0.2  # stays down after the last word
RELEASE_S = 0.5  # then rises slowly
BRIDGE_S = 0.85  # gaps shorter than this stay ducked
CONTROL_FRAMES = 64  # the envelope is computed this often and interpolated between


@dataclass(frozen=True, slots=True)
class Ducking:
    """Merged spoken intervals, sorted: ``starts_s[i]``..``ends_s[i]`` (the end includes the hold)."""

    starts_s: tuple[float, ...]
    ends_s: tuple[float, ...]
    depth_db: float = DUCK_DB

    @classmethod
    def from_events(cls, events: Sequence[VoiceEvent], depth_db: float = DUCK_DB) -> Ducking:
        starts: list[float] = []
        ends: list[float] = []
        for event in sorted(events, key=lambda e: e.start_s):
            if starts and event.start_s - (ends[-1] - HOLD_S) < BRIDGE_S:
                ends[-1] = max(ends[-1], event.end_s + HOLD_S)
            else:
                starts.append(event.start_s)
                ends.append(event.end_s + HOLD_S)
        return cls(tuple(starts), tuple(ends), depth_db)

    def gain_between(self, start_frame: int, end_frame: int, sample_rate: int) -> np.ndarray:
        """float32 gain for each frame in ``[start_frame, end_frame)``: computed every
        :data:`CONTROL_FRAMES` frames and interpolated linearly (the ramps last 150 ms and more)."""
        frames = end_frame - start_frame
        if not self._touches(start_frame / sample_rate, end_frame / sample_rate):
            return np.ones(frames, dtype=np.float32)
        grid = np.arange(start_frame, end_frame + CONTROL_FRAMES, CONTROL_FRAMES, dtype=np.float64)
        coarse = self.gain(grid / sample_rate)
        fine: np.ndarray = np.interp(
            np.arange(start_frame, end_frame, dtype=np.float64), grid, coarse
        )
        return fine.astype(np.float32)

    def _touches(self, start_s: float, end_s: float) -> bool:
        index = bisect.bisect_left(self.ends_s, start_s - RELEASE_S)
        return index < len(self.starts_s) and self.starts_s[index] - ATTACK_S <= end_s

    def gain(self, t_s: np.ndarray) -> np.ndarray:
        """Linear gain at the times ``t_s`` (sorted): 1 in the clear, ``depth_db`` under speech."""
        amount = np.zeros_like(t_s)
        if len(t_s) == 0:
            return np.ones_like(t_s)
        first = bisect.bisect_left(self.ends_s, float(t_s[0]) - RELEASE_S)
        for index in range(first, len(self.starts_s)):
            start_s, end_s = self.starts_s[index], self.ends_s[index]
            if start_s - ATTACK_S > t_s[-1]:
                break
            down = np.clip((t_s - (start_s - ATTACK_S)) / ATTACK_S, 0.0, 1.0)
            up = np.clip(1.0 - (t_s - end_s) / RELEASE_S, 0.0, 1.0)
            shape = np.minimum(down, up)
            np.maximum(amount, 0.5 - 0.5 * np.cos(np.pi * shape), out=amount)
        gain: np.ndarray = 10 ** (amount * self.depth_db / 20)
        return gain

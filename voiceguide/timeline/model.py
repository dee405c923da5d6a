"""What a plan is made of: lines to speak, events in time, chapters, and the options that shape them."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from voiceguide.routine.model import Hand, Routine, SessionBreathing

LEAD_IN_S = 3.0  # silence before the first word, under the fade-in
LEAD_OUT_S = 6.0  # after the last step, under the fade-out
FADE_IN_S = 3.0
FADE_OUT_S = 6.0
LINGER_FADE_S = 60.0  # a lingering bed fades out over its last minute
BOUNDARY_S = 1e-9  # a time this little before a chapter's start is already in it (float sums)

VoiceKind = Literal["say", "switch", "prompt", "breath"]
CueKind = Literal["inhale", "hold", "exhale", "chime"]


def written_length_s(routine: Routine) -> float:
    """The session's length as the routine writes it, before any clip is spoken: the lead-in, every
    step, the lead-out and the linger."""
    return LEAD_IN_S + routine.steps_s + LEAD_OUT_S + routine.linger_s


@dataclass(frozen=True, slots=True, order=True)
class Line:
    """Something to speak: the text and the speaking-rate factor (below 1 during a wind-down)."""

    text: str
    rate_scale: float = 1.0
    recording: str | None = None  # a recorded file that says this line instead of a speech engine


@dataclass(frozen=True, slots=True)
class PlanOptions:
    """What the plan needs besides the routine and the clip lengths, every value final: the session's
    settings decide "command line over routine over default" once, and :meth:`of` takes the
    routine's own values (as a session with no options has them)."""

    target_s: float | None = None  # the guided part stretched or shrunk to this length
    breathing: SessionBreathing | None = None  # breath tones under the session
    chime: str | None = None  # between steps; None for silence
    linger_s: float = 0.0  # the bed goes on after the last words
    recordings: tuple[tuple[str, str], ...] = ()  # recording name (step id, ...) -> audio file
    rate_wpm: int | None = None  # the voice's rate: named when a length asked cannot fit

    @classmethod
    def of(
        cls, routine: Routine, *, target_s: float | None = None, rate_wpm: int | None = None
    ) -> PlanOptions:
        """The routine's own breathing, chime and linger, with a length and a rate."""
        return cls(
            target_s=target_s,
            breathing=routine.breathing,
            chime=routine.chime,
            linger_s=routine.linger_s,
            rate_wpm=rate_wpm,
        )


@dataclass(frozen=True, slots=True)
class VoiceEvent:
    start_s: float
    duration_s: float
    line: Line
    kind: VoiceKind
    chapter: int  # index into Timeline.chapters
    gain_db: float = 0.0

    @property
    def text(self) -> str:
        return self.line.text

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s


@dataclass(frozen=True, slots=True)
class CueEvent:
    """A synthesized sound: a breath phase (``name`` is the pattern) or a chime (``name`` is the chime)."""

    start_s: float
    duration_s: float
    kind: CueKind
    name: str

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s


@dataclass(frozen=True, slots=True)
class Hold:
    """Where the player waits for a key (an export pauses ``duration_s`` instead)."""

    start_s: float
    duration_s: float
    chapter: int

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s


@dataclass(frozen=True, slots=True)
class Chapter:
    index: int
    start_s: float
    end_s: float
    title: str
    step_id: str
    step_index: int
    hand: Hand | None


@dataclass(frozen=True, slots=True)
class Timeline:
    title: str
    events: tuple[VoiceEvent, ...]
    cues: tuple[CueEvent, ...]
    chapters: tuple[Chapter, ...]
    total_s: float
    steps_end_s: float  # the end of the last step; after it come the lead-out and any linger
    fade_in_s: float
    fade_out_start_s: float
    holds: tuple[Hold, ...] = ()

    @property
    def speech_s(self) -> float:
        return sum(event.duration_s for event in self.events)

    @property
    def lines(self) -> tuple[VoiceEvent, ...]:
        """The guide's lines without its breathing words: what the prompter shows (and a
        caregiver reads aloud), and what the script lists."""
        return tuple(event for event in self.events if event.kind != "breath")

    def line_at(self, t_s: float) -> int:
        """The index in :attr:`lines` of the line showing at ``t_s``: the one rule of "which line
        now" that the prompter, the remote page and the listener's reading all follow (see
        :func:`showing_at`)."""
        return showing_at([line.start_s for line in self.lines], t_s)

    def chapter_at(self, t_s: float) -> int:
        """The index of the chapter that ``t_s`` (seconds into the session) is in: the last one
        that starts at or before it. A chapter's start is its own (as are the
        :data:`BOUNDARY_S` before it); the lead-in before the first chapter counts as the first,
        the lead-out and any linger after the last step as the last; 0 when there are none."""
        return last_at_or_before([chapter.start_s for chapter in self.chapters], t_s + BOUNDARY_S)

    def chapter_frames(self, rate: int) -> tuple[int, ...]:
        """Each chapter's start as a frame count at ``rate`` (the nearest frame): where the player
        jumps to, counted the same way as :meth:`chapter_at` (see :func:`last_at_or_before`)."""
        return tuple(round(chapter.start_s * rate) for chapter in self.chapters)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view (hands and lines as plain values)."""
        chapters = [
            {**asdict(chapter), "hand": chapter.hand.value if chapter.hand else None}
            for chapter in self.chapters
        ]
        events = [
            {
                "start_s": event.start_s,
                "duration_s": event.duration_s,
                "text": event.text,
                "kind": event.kind,
                "chapter": event.chapter,
                "rate_scale": event.line.rate_scale,
                "gain_db": event.gain_db,
            }
            for event in self.events
        ]
        return {
            "title": self.title,
            "total_s": round(self.total_s, 3),
            "speech_s": round(self.speech_s, 3),
            "chapters": _rounded(chapters),
            "events": _rounded(events),
            "cues": _rounded([asdict(cue) for cue in self.cues]),
            "holds": _rounded([asdict(hold) for hold in self.holds]),
        }


def showing_at(starts: Sequence[float], at_s: float) -> int:
    """Which line shows at ``at_s``, given the lines' sorted ``starts``: the last one started at
    or before it (its start included), until the next starts; -1 before the first (the
    prompter's "get ready")."""
    return bisect.bisect_right(starts, at_s) - 1


def last_at_or_before(starts: Sequence[float], at: float) -> int:
    """Which span ``at`` falls in, given the spans' sorted ``starts`` (seconds or frames): the
    index of the last start at or before it; 0 before the first start, and when there is none."""
    return max(0, bisect.bisect_right(starts, at) - 1)


def _rounded(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {key: round(value, 3) if isinstance(value, float) else value for key, value in row.items()}
        for row in rows
    ]

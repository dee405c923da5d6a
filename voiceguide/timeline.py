"""The plan: routine + options + measured clip lengths -> every spoken line's start, the chapters, the length.

Pure standard library, no audio: everything audible is rendered from a :class:`Timeline`, and the
chapters, printed script and step list read the same value, so they cannot disagree with the audio.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

from voiceguide.errors import OptionError, RoutineError
from voiceguide.routine.durations import format_clock, format_duration
from voiceguide.routine.model import Audience, Hand, Pause, Routine, Speech, Step
from voiceguide.routine.text import split_segments

LEAD_IN_S = 3.0  # silence before the first word, under the fade-in
LEAD_OUT_S = 6.0  # after the last step, under the fade-out
FADE_IN_S = 3.0
FADE_OUT_S = 6.0
SWITCH_GAP_S = 0.8  # between the switch line and the step's own words
MIN_GAP_S = 0.5  # a gap is never shrunk below this (or below its written length, if shorter)
MAX_TARGET_S = 6 * 3600.0

DEFAULT_SWITCH = {
    Audience.SELF: "Now switch hands, and give the same care to your left hand.",
    Audience.PARTNER: "Now move across to your partner's left hand.",
}

EventKind = Literal["say", "switch", "prompt"]


@dataclass(frozen=True, slots=True)
class PlanOptions:
    target_s: float | None = (
        None  # stretch or shrink the silent gaps so the session lasts this long
    )


@dataclass(frozen=True, slots=True)
class VoiceEvent:
    start_s: float
    duration_s: float
    text: str
    kind: EventKind
    chapter: int  # index into Timeline.chapters

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
    chapters: tuple[Chapter, ...]
    total_s: float
    fade_in_s: float
    fade_out_start_s: float

    @property
    def speech_s(self) -> float:
        return sum(event.duration_s for event in self.events)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view (hands as strings)."""
        chapters = [
            {**asdict(chapter), "hand": chapter.hand.value if chapter.hand else None}
            for chapter in self.chapters
        ]
        return {
            "title": self.title,
            "total_s": round(self.total_s, 3),
            "speech_s": round(self.speech_s, 3),
            "chapters": _rounded(chapters),
            "events": _rounded([asdict(event) for event in self.events]),
        }


def spoken_texts(routine: Routine) -> tuple[str, ...]:
    """Every distinct text the routine speaks, in order: what the speech engine must synthesize."""
    seen: dict[str, None] = {}
    for step in routine.steps:
        for hand in step.hands:
            for segments, _ in _round_lines(routine, step, hand):
                for segment in segments:
                    if isinstance(segment, Speech):
                        seen.setdefault(segment.text)
    return tuple(seen)


def plan(
    routine: Routine, clip_s: Mapping[str, float], options: PlanOptions = PlanOptions()
) -> Timeline:
    """Lay the routine out in time. ``clip_s`` maps each of :func:`spoken_texts` to its length."""
    items = [
        item
        for step_index, step in enumerate(routine.steps)
        for item in _step_items(routine, step_index, step, clip_s)
    ]
    if options.target_s is not None:
        items = _fit(items, options.target_s)
    return _place(routine.title, items)


# -- building the items of each step ------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Voice:
    text: str
    duration_s: float
    kind: EventKind


@dataclass(frozen=True, slots=True)
class _Gap:
    duration_s: float
    floor_s: float  # the least this gap may shrink to


@dataclass(frozen=True, slots=True)
class _Mark:
    title: str
    step_id: str
    step_index: int
    hand: Hand | None


_Item = _Voice | _Gap | _Mark
_Lines = list[tuple[tuple[Speech | Pause, ...], EventKind]]


def _round_lines(routine: Routine, step: Step, hand: Hand | None) -> _Lines:
    """What one round of a step says before its prompts: the switch line (left round), then the text."""
    lines: _Lines = []
    if hand is Hand.LEFT:
        switch = step.switch_text or DEFAULT_SWITCH[routine.audience]
        lines.append((split_segments(switch, hand), "switch"))
    lines.append((split_segments(step.text, hand), "say"))
    lines.extend((split_segments(prompt.text, hand), "prompt") for prompt in step.prompts)
    return lines


def _step_items(
    routine: Routine, step_index: int, step: Step, clip_s: Mapping[str, float]
) -> Iterator[_Item]:
    for hand in step.hands:
        title = f"{step.title} ({hand.value} hand)" if hand else step.title
        yield _Mark(title, step.id, step_index, hand)
        lines = _round_lines(routine, step, hand)
        prompts = iter(step.prompts)
        cursor_s = 0.0
        for segments, kind in lines:
            if kind == "prompt":
                prompt = next(prompts)
                gap_s = prompt.at_s - cursor_s
                if gap_s < 0:
                    where = prompt.where
                    raise RoutineError(
                        where.source, where.line, where.field,
                        f"the words before this prompt{_round_note(hand)} run until {cursor_s:.1f} s, "
                        f"so it cannot start at {prompt.at_s:g} s (move it to {cursor_s + 1:.0f} s or later)",
                    )  # fmt: skip
                yield _Gap(gap_s, min(gap_s, MIN_GAP_S))
                cursor_s = prompt.at_s
            for segment in segments:
                if isinstance(segment, Pause):
                    yield _Gap(segment.duration_s, min(segment.duration_s, MIN_GAP_S))
                    cursor_s += segment.duration_s
                else:
                    length_s = clip_s[segment.text]
                    yield _Voice(segment.text, length_s, kind)
                    cursor_s += length_s
            if kind == "switch":
                yield _Gap(SWITCH_GAP_S, min(SWITCH_GAP_S, MIN_GAP_S))
                cursor_s += SWITCH_GAP_S
        rest_s = step.duration_s - cursor_s
        if rest_s < 0:
            where = step.where
            raise RoutineError(
                where.source, where.line, where.field,
                f"the spoken text{_round_note(hand)} takes {cursor_s:.1f} s but the step lasts "
                f"{step.duration_s:g} s ({-rest_s:.1f} s too long)",
            )  # fmt: skip
        yield _Gap(rest_s, min(rest_s, MIN_GAP_S))


def _round_note(hand: Hand | None) -> str:
    return f" for the {hand.value} hand" if hand else ""


# -- fitting to a target length and placing in time ---------------------------------------------
def _fit(items: list[_Item], target_s: float) -> list[_Item]:
    """Scale the silent gaps (above their floors) so the session lasts ``target_s``; words stay."""
    gaps = [item for item in items if isinstance(item, _Gap)]
    fixed_s = (
        LEAD_IN_S
        + LEAD_OUT_S
        + sum(
            item.duration_s if isinstance(item, _Voice) else item.floor_s
            for item in items
            if not isinstance(item, _Mark)
        )
    )
    if not 0 < target_s <= MAX_TARGET_S:
        raise OptionError(
            f"expected a session length up to {format_duration(MAX_TARGET_S)}, got {target_s:g} s"
        )
    if target_s < fixed_s:
        raise OptionError(
            f"a {format_duration(target_s)} session is too short for this routine: its words alone "
            f"need at least {format_duration(fixed_s + 0.5)} (mm:ss)"
        )
    free_s = target_s - fixed_s
    scalable_s = sum(gap.duration_s - gap.floor_s for gap in gaps)

    def resized(gap: _Gap) -> _Gap:
        if scalable_s > 0:
            length_s = gap.floor_s + (gap.duration_s - gap.floor_s) * free_s / scalable_s
        else:
            length_s = gap.floor_s + free_s / len(gaps)
        return _Gap(length_s, gap.floor_s)

    return [resized(item) if isinstance(item, _Gap) else item for item in items]


def _place(title: str, items: list[_Item]) -> Timeline:
    events: list[VoiceEvent] = []
    marks: list[tuple[float, _Mark]] = []
    cursor_s = LEAD_IN_S
    for item in items:
        if isinstance(item, _Mark):
            marks.append((cursor_s, item))
        elif isinstance(item, _Voice):
            events.append(
                VoiceEvent(cursor_s, item.duration_s, item.text, item.kind, len(marks) - 1)
            )
            cursor_s += item.duration_s
        else:
            cursor_s += item.duration_s
    steps_end_s = cursor_s
    total_s = steps_end_s + LEAD_OUT_S
    chapters = tuple(
        Chapter(index, start_s, marks[index + 1][0] if index + 1 < len(marks) else steps_end_s,
                mark.title, mark.step_id, mark.step_index, mark.hand)
        for index, (start_s, mark) in enumerate(marks)
    )  # fmt: skip
    last_word_s = events[-1].end_s if events else 0.0
    return Timeline(
        title=title,
        events=tuple(events),
        chapters=chapters,
        total_s=total_s,
        fade_in_s=FADE_IN_S,
        fade_out_start_s=max(last_word_s, total_s - FADE_OUT_S),
    )


def format_timeline(timeline: Timeline) -> str:
    """The timed script: one line per spoken line, a heading per chapter."""
    lines = [f"{timeline.title}  ({format_duration(timeline.total_s)})"]
    chapter = -1
    for event in timeline.events:
        if event.chapter != chapter:
            chapter = event.chapter
            heading = timeline.chapters[chapter]
            lines.append("")
            lines.append(f"{format_clock(heading.start_s)}  == {heading.title} ==")
        lines.append(f"{format_clock(event.start_s)}  {event.text}")
    lines.append("")
    lines.append(f"{format_clock(timeline.total_s)}  (end)")
    return "\n".join(lines)


def _rounded(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {key: round(value, 3) if isinstance(value, float) else value for key, value in row.items()}
        for row in rows
    ]

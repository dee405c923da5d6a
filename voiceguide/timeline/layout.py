"""Laying a routine out in time: steps become a sequence of voice, gap, breathing and chapter items,
gaps are fitted to a target length, and the sequence is placed on the clock."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from voiceguide.errors import OptionError, RoutineError
from voiceguide.routine.durations import format_duration
from voiceguide.routine.model import Audience, Hand, Pause, Routine, Speech, Step, StepBreathing
from voiceguide.routine.text import split_segments
from voiceguide.routine.words import Words
from voiceguide.timeline.model import (
    FADE_IN_S,
    FADE_OUT_S,
    FROM_ROUTINE,
    LEAD_IN_S,
    LEAD_OUT_S,
    LINGER_FADE_S,
    MAX_TARGET_S,
    CueEvent,
    Line,
    PlanOptions,
    Timeline,
    VoiceEvent,
    VoiceKind,
)
from voiceguide.timeline.session_cues import chimes, session_breathing

SWITCH_GAP_S = 0.8  # between the switch line and the step's own words
MIN_GAP_S = 0.5  # a gap is never shrunk below this (or below its written length, if shorter)
WIND_DOWN_RATE = 0.88  # the last step of a wind-down is spoken at this fraction of the rate
WIND_DOWN_GAIN_DB = -4.0  # and this much softer


def spoken_lines(routine: Routine, recordings: Mapping[str, str] | None = None) -> tuple[Line, ...]:
    """Every distinct line the routine speaks, in order: what the speech engine must synthesize
    (or, for lines with a file in ``recordings``, what is read from the recording)."""
    return tuple(step_of_lines(routine, recordings))


def step_of_lines(routine: Routine, recordings: Mapping[str, str] | None = None) -> dict[Line, int]:
    """Each distinct line, in order, with the index of the first step that speaks it."""
    seen: dict[Line, int] = {}
    for step_index, step in enumerate(routine.steps):
        rate_scale, _ = _wind_down(routine)[step_index]
        for hand in step.hands:
            for segments, _, recording in _round_lines(routine, step, hand, recordings or {}):
                for segment in segments:
                    if isinstance(segment, Speech):
                        seen.setdefault(_line(segment.text, rate_scale, recording), step_index)
        if step.breathe and step.breathe.spoken_cycles:
            for kind, _ in step.breathe.pattern.phases:
                word = routine.words.breath(kind)  # in the routine's language (routine/words.py)
                if word:
                    seen.setdefault(Line(word, rate_scale), step_index)
    return seen


def plan(
    routine: Routine, clip_s: Mapping[Line, float], options: PlanOptions | None = None
) -> Timeline:
    """Lay the routine out in time. ``clip_s`` maps each of :func:`spoken_lines` to its length."""
    options = options or PlanOptions()
    levels = _wind_down(routine)
    items = [
        item
        for index, step in enumerate(routine.steps)
        for item in _step_items(
            routine, index, step, clip_s, levels[index], dict(options.recordings)
        )
    ]
    if options.target_s is not None:
        items = _fit(items, options.target_s)
    linger_s = routine.linger_s if options.linger_s is None else options.linger_s
    timeline = _place(routine.title, items, linger_s)
    breathing = routine.breathing if options.breathing == FROM_ROUTINE else options.breathing
    chime = routine.chime if options.chime == FROM_ROUTINE else options.chime
    cues = list(timeline.cues)
    if breathing is not None:
        cues += session_breathing(timeline, routine, breathing)
    if chime is not None:
        cues += chimes(timeline, chime)
    return Timeline(
        title=timeline.title,
        events=timeline.events,
        cues=tuple(sorted(cues, key=lambda cue: cue.start_s)),
        chapters=timeline.chapters,
        total_s=timeline.total_s,
        steps_end_s=timeline.steps_end_s,
        fade_in_s=timeline.fade_in_s,
        fade_out_start_s=timeline.fade_out_start_s,
        holds=timeline.holds,
    )


# -- items ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Voice:
    line: Line
    duration_s: float
    kind: VoiceKind
    gain_db: float


@dataclass(frozen=True, slots=True)
class _Gap:
    duration_s: float
    floor_s: float  # the least this gap may shrink to


@dataclass(frozen=True, slots=True)
class _Breath:
    """Paced breathing: fixed in length (a 4-7-8 breath is always 4-7-8)."""

    breathing: StepBreathing
    words: Mapping[str, tuple[Line, float]]  # phase kind -> spoken cue and its length
    gain_db: float

    @property
    def duration_s(self) -> float:
        return self.breathing.cycles * self.breathing.pattern.cycle_s


@dataclass(frozen=True, slots=True)
class _Hold:
    """A wait for a key in the player, a pause of fixed length in an export."""

    duration_s: float


@dataclass(frozen=True, slots=True)
class _Mark:
    title: str
    step_id: str
    step_index: int
    hand: Hand | None


_Item = _Voice | _Gap | _Breath | _Hold | _Mark
_Lines = list[tuple[tuple[Speech | Pause, ...], VoiceKind, str | None]]


def _gap(seconds: float) -> _Gap:
    return _Gap(seconds, min(seconds, MIN_GAP_S))


def _wind_down(routine: Routine) -> list[tuple[float, float]]:
    """Per step: (rate factor, gain in dB). Steps starting in the last ``wind_down_s`` of the written
    session slow and soften step by step, reaching the full amount at the last step."""
    levels = []
    start_s = 0.0
    starts = []
    for step in routine.steps:
        starts.append(start_s)
        start_s += step.total_s
    wind_start_s = routine.steps_s - routine.wind_down_s
    last_start_s = starts[-1]
    for step_start_s in starts:
        if routine.wind_down_s <= 0 or step_start_s < wind_start_s:
            levels.append((1.0, 0.0))
            continue
        span_s = last_start_s - wind_start_s
        depth = 1.0 if span_s <= 0 else (step_start_s - wind_start_s) / span_s
        levels.append(
            (round(1 - (1 - WIND_DOWN_RATE) * depth, 2), round(WIND_DOWN_GAIN_DB * depth, 2))
        )
    return levels


def _round_lines(
    routine: Routine, step: Step, hand: Hand | None, recordings: Mapping[str, str]
) -> _Lines:
    """What one round of a step says: the switch line (left round), the text, then each prompt.

    A line with a recording (``STEP``, ``STEP-right``/``STEP-left``, ``STEP-switch``,
    ``STEP-promptN``) becomes one segment: the recording holds its own pauses.
    """

    def line(
        text: str, kind: VoiceKind, *names: str
    ) -> tuple[tuple[Speech | Pause, ...], VoiceKind, str | None]:
        segments = split_segments(text, hand, routine.words.side(step.side))
        recording = next((recordings[name] for name in names if name in recordings), None)
        if recording is None:
            return segments, kind, None
        words = " ".join(segment.text for segment in segments if isinstance(segment, Speech))
        return (Speech(words),), kind, recording

    side = f"{step.id}-{hand.value}" if hand else step.id
    lines: _Lines = []
    if hand is Hand.LEFT:
        switch = step.switch_text or routine.words.switch_line(
            step.side, routine.audience is Audience.PARTNER
        )  # checked by the loader: the routine's language has one, or its words: map does
        assert switch is not None
        lines.append(line(switch, "switch", f"{step.id}-switch"))
    lines.append(line(step.text, "say", side, step.id))
    lines.extend(
        line(prompt.text, "prompt", f"{step.id}-prompt{number}")
        for number, prompt in enumerate(step.prompts, 1)
    )
    return lines


def _line(text: str, rate_scale: float, recording: str | None) -> Line:
    """A recording is not sped up or slowed down: only spoken lines follow the wind-down's rate."""
    return Line(text, 1.0, recording) if recording else Line(text, rate_scale)


def _step_items(
    routine: Routine,
    step_index: int,
    step: Step,
    clip_s: Mapping[Line, float],
    level: tuple[float, float],
    recordings: Mapping[str, str],
) -> Iterator[_Item]:
    rate_scale, gain_db = level
    for hand in step.hands:
        title = (
            routine.words.chapter_title(step.title, step.side, hand is Hand.RIGHT)
            if hand
            else step.title
        )
        yield _Mark(title, step.id, step_index, hand)
        prompts = iter(step.prompts)
        cursor_s = 0.0
        for segments, kind, recording in _round_lines(routine, step, hand, recordings):
            if kind == "prompt":
                prompt = next(prompts)
                gap_s = prompt.at_s - cursor_s
                if gap_s < 0:
                    before = "words and breathing" if step.breathe else "words"
                    raise RoutineError(
                        prompt.where.source, prompt.where.line, prompt.where.field,
                        f"the {before} before this prompt{_round_note(hand)} run until {cursor_s:.1f} s, "
                        f"so it cannot start at {prompt.at_s:g} s ({_prompt_advice(cursor_s, step.duration_s)})",
                    )  # fmt: skip
                yield _gap(gap_s)
                cursor_s = prompt.at_s
            for segment in segments:
                if isinstance(segment, Pause):
                    yield _gap(segment.duration_s)
                    cursor_s += segment.duration_s
                else:
                    line = _line(segment.text, rate_scale, recording)
                    yield _Voice(line, clip_s[line], kind, gain_db)
                    cursor_s += clip_s[line]
            if kind == "switch":
                yield _gap(SWITCH_GAP_S)
                cursor_s += SWITCH_GAP_S
            if kind == "say" and step.breathe:
                breath = _breath_item(step, clip_s, rate_scale, gain_db, routine.words)
                yield _gap(SWITCH_GAP_S)
                yield breath
                cursor_s += SWITCH_GAP_S + breath.duration_s
            if kind == "say" and step.hold_s:
                yield _Hold(step.hold_s)
                cursor_s += step.hold_s
        rest_s = step.duration_s - cursor_s
        if rest_s < 0:
            what = "spoken text and breathing take" if step.breathe else "spoken text takes"
            raise RoutineError(
                step.where.source, step.where.line, step.where.field,
                f"the {what} {cursor_s:.1f} s{_round_note(hand)}, but the step lasts "
                f"{step.duration_s:g} s ({-rest_s:.1f} s too long)",
            )  # fmt: skip
        yield _gap(rest_s)


def _breath_item(
    step: Step, clip_s: Mapping[Line, float], rate_scale: float, gain_db: float, table: Words
) -> _Breath:
    assert step.breathe is not None
    words: dict[str, tuple[Line, float]] = {}
    if step.breathe.spoken_cycles:
        for kind, phase_s in step.breathe.pattern.phases:
            word = table.breath(kind)
            if not word:
                continue
            line = Line(word, rate_scale)
            if clip_s[line] > phase_s:
                field = step.where.field.rsplit(".", 1)[0] + ".breathe.pattern"
                raise RoutineError(
                    step.where.source, step.where.line, field,
                    f"the spoken cue '{line.text}' takes {clip_s[line]:.1f} s, longer than the {phase_s:g} s {kind}",
                )  # fmt: skip
            words[kind] = (line, clip_s[line])
    return _Breath(step.breathe, words, gain_db)


def _prompt_advice(words_end_s: float, step_s: float) -> str:
    later_s = math.ceil(words_end_s + 1)
    if later_s < step_s:
        return f"move it to {later_s} s or later"
    return "shorten the words before it, or make the step longer"


def _round_note(hand: Hand | None) -> str:
    return f" for the {hand.value} hand" if hand else ""


# -- fitting and placing ----------------------------------------------------------------------
def _fit(items: list[_Item], target_s: float) -> list[_Item]:
    """Scale the silent gaps (above their floors) so the session lasts ``target_s``; words stay."""
    gaps = [item for item in items if isinstance(item, _Gap)]
    fixed_s = LEAD_IN_S + LEAD_OUT_S
    for item in items:
        if isinstance(item, _Gap):
            fixed_s += item.floor_s
        elif not isinstance(item, _Mark):
            fixed_s += item.duration_s
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
            return _Gap(
                gap.floor_s + (gap.duration_s - gap.floor_s) * free_s / scalable_s, gap.floor_s
            )
        return _Gap(gap.floor_s + free_s / len(gaps), gap.floor_s)

    return [resized(item) if isinstance(item, _Gap) else item for item in items]


def _place(title: str, items: list[_Item], linger_s: float) -> Timeline:
    from voiceguide.timeline.model import Chapter, Hold

    events: list[VoiceEvent] = []
    cues: list[CueEvent] = []
    holds: list[Hold] = []
    marks: list[tuple[float, _Mark]] = []
    cursor_s = LEAD_IN_S
    for item in items:
        chapter = len(marks) - 1
        if isinstance(item, _Mark):
            marks.append((cursor_s, item))
        elif isinstance(item, _Voice):
            events.append(
                VoiceEvent(cursor_s, item.duration_s, item.line, item.kind, chapter, item.gain_db)
            )
        elif isinstance(item, _Breath):
            _place_breath(item, cursor_s, chapter, events, cues)
        elif isinstance(item, _Hold):
            holds.append(Hold(cursor_s, item.duration_s, chapter))
        if not isinstance(item, _Mark):
            cursor_s += item.duration_s
    steps_end_s = cursor_s
    total_s = steps_end_s + LEAD_OUT_S + linger_s
    chapters = tuple(
        Chapter(
            index,
            start_s,
            marks[index + 1][0] if index + 1 < len(marks) else steps_end_s,
            mark.title,
            mark.step_id,
            mark.step_index,
            mark.hand,
        )
        for index, (start_s, mark) in enumerate(marks)
    )
    last_word_s = events[-1].end_s if events else 0.0
    fade_s = min(LINGER_FADE_S, LEAD_OUT_S + linger_s) if linger_s > 0 else FADE_OUT_S
    return Timeline(
        title=title,
        events=tuple(events),
        cues=tuple(cues),
        chapters=chapters,
        total_s=total_s,
        steps_end_s=steps_end_s,
        fade_in_s=FADE_IN_S,
        fade_out_start_s=max(last_word_s, total_s - fade_s),
        holds=tuple(holds),
    )


def _place_breath(
    item: _Breath, start_s: float, chapter: int, events: list[VoiceEvent], cues: list[CueEvent]
) -> None:
    pattern = item.breathing.pattern
    cursor_s = start_s
    for cycle in range(item.breathing.cycles):
        for kind, phase_s in pattern.phases:
            if kind != "rest":
                cues.append(CueEvent(cursor_s, phase_s, kind, pattern.name))  # type: ignore[arg-type]
            if cycle < item.breathing.spoken_cycles and kind in item.words:
                line, length_s = item.words[kind]
                events.append(VoiceEvent(cursor_s, length_s, line, "breath", chapter, item.gain_db))
            cursor_s += phase_s

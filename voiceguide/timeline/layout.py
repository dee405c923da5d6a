"""Laying a routine out in time: steps become a sequence of voice, gap, breathing and chapter items,
gaps are fitted to a target length, and the sequence is placed on the clock."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from voiceguide.errors import RoutineError
from voiceguide.routine.model import Hand, Pause, Prompt, Routine, Speech, Step
from voiceguide.routine.words import Words
from voiceguide.timeline.fitting import fit
from voiceguide.timeline.items import (
    BreathItem,
    HoldItem,
    Item,
    Mark,
    VoiceItem,
    fixed,
    stretchable,
)
from voiceguide.timeline.model import Line, PlanOptions, Timeline, VoiceKind
from voiceguide.timeline.placing import place
from voiceguide.timeline.rounds import round_lines
from voiceguide.timeline.session_cues import chimes, session_breathing

SWITCH_GAP_S = 0.8  # between the switch line and the step's own words
PROMPT_GAP_S = 1.0  # a prompt given only 'at:' starts at least this long after the words before it
TAIL_S = 1.0  # a step's silent tail shrinks to this before the step grows
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
    """Lay the routine out in time. ``clip_s`` maps each of :func:`spoken_lines` to its length;
    without ``options``, the routine's own breathing, chime and linger (:meth:`PlanOptions.of`)."""
    options = options or PlanOptions.of(routine)
    levels = _wind_down(routine)
    items = [
        item
        for index, step in enumerate(routine.steps)
        for item in _step_items(
            routine, index, step, clip_s, levels[index], dict(options.recordings)
        )
    ]
    if options.target_s is not None:
        items = fit(items, options.target_s, options.rate_wpm)
    timeline = place(routine.title, items, options.linger_s)
    cues = list(timeline.cues)
    if options.breathing is not None:
        cues += session_breathing(timeline, routine, options.breathing)
    if options.chime is not None:
        cues += chimes(timeline, options.chime)
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
_Lines = list[tuple[tuple[Speech | Pause, ...], VoiceKind, str | None]]


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
    """What one round of a step says (:func:`~voiceguide.timeline.rounds.round_lines`). A line
    with a recording becomes one segment: the recording holds its own pauses."""
    lines: _Lines = []
    for line in round_lines(routine, step, hand):
        recording = next((recordings[name] for name in line.names if name in recordings), None)
        segments = line.segments if recording is None else (Speech(line.words),)
        lines.append((segments, line.kind, recording))
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
) -> Iterator[Item]:
    """One step's items, round by round. Written pauses stay as written; a prompt starts where it is
    written or, when the words before it run longer, as soon after them as it fits; the round's
    silent tail takes up the difference, and when it would fall under :data:`TAIL_S` the step grows."""
    rate_scale, gain_db = level
    for hand in step.hands:
        title = (
            routine.words.chapter_title(step.title, step.side, hand is Hand.RIGHT)
            if hand
            else step.title
        )
        yield Mark(title, step.id, step_index, hand)
        prompts = iter(step.prompts)
        cursor_s = fixed_s = 0.0  # fixed_s: what no rate can shorten (pauses, breathing, holds)
        for segments, kind, recording in _round_lines(routine, step, hand, recordings):
            if kind == "prompt":
                gap_s = _prompt_gap_s(next(prompts), cursor_s)
                yield stretchable(gap_s)
                cursor_s += gap_s
            for segment in segments:
                if isinstance(segment, Pause):
                    yield fixed(segment.duration_s)
                    cursor_s += segment.duration_s
                    fixed_s += segment.duration_s
                else:
                    line = _line(segment.text, rate_scale, recording)
                    yield VoiceItem(line, clip_s[line], kind, gain_db)
                    cursor_s += clip_s[line]
            if kind == "switch":
                yield fixed(SWITCH_GAP_S)
                cursor_s += SWITCH_GAP_S
                fixed_s += SWITCH_GAP_S
            if kind == "say" and step.breathe:
                breath = _breath_item(step, clip_s, rate_scale, gain_db, routine.words)
                yield fixed(SWITCH_GAP_S)
                yield breath
                cursor_s += SWITCH_GAP_S + breath.duration_s
                fixed_s += SWITCH_GAP_S + breath.duration_s
            if kind == "say" and step.hold_s:
                yield HoldItem(step.hold_s)
                cursor_s += step.hold_s
                fixed_s += step.hold_s
        if fixed_s > step.duration_s:
            raise RoutineError(
                step.where.source, step.where.line, step.where.field,
                f"its {_fixed_parts(step)} take {fixed_s:.1f} s{_round_note(hand)} before any word "
                f"is spoken, but the step lasts {step.duration_s:g} s",
            )  # fmt: skip
        yield stretchable(max(step.duration_s - cursor_s, TAIL_S))


def _fixed_parts(step: Step) -> str:
    parts = [name for name, used in (("breathing", step.breathe), ("hold", step.hold_s)) if used]
    return ", ".join([*parts, "pauses"]).replace(", pauses", " and pauses")


def _round_note(hand: Hand | None) -> str:
    return f" for the {hand.value} hand" if hand else ""


def _prompt_gap_s(prompt: Prompt, words_end_s: float) -> float:
    """The silence before a prompt: ``after`` it, and not before its ``at`` (but never right on the
    words before it when only ``at`` is given)."""
    gap_s = prompt.after_s if prompt.after_s is not None else PROMPT_GAP_S
    if prompt.at_s is not None:
        gap_s = max(gap_s, prompt.at_s - words_end_s)
    return gap_s


def _breath_item(
    step: Step, clip_s: Mapping[Line, float], rate_scale: float, gain_db: float, table: Words
) -> BreathItem:
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
    return BreathItem(step.breathe, words, gain_db)

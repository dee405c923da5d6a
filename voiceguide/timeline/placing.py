"""Items onto the clock: each starts where the one before it ends, after the lead-in."""

from __future__ import annotations

from voiceguide.timeline.items import BreathItem, HoldItem, Item, Mark, VoiceItem
from voiceguide.timeline.model import (
    FADE_IN_S,
    FADE_OUT_S,
    LEAD_IN_S,
    LEAD_OUT_S,
    LINGER_FADE_S,
    Chapter,
    CueEvent,
    Hold,
    Timeline,
    VoiceEvent,
)


def place(title: str, items: list[Item], linger_s: float) -> Timeline:
    events: list[VoiceEvent] = []
    cues: list[CueEvent] = []
    holds: list[Hold] = []
    marks: list[tuple[float, Mark]] = []
    cursor_s = LEAD_IN_S
    for item in items:
        chapter = len(marks) - 1
        if isinstance(item, Mark):
            marks.append((cursor_s, item))
            continue
        if isinstance(item, VoiceItem):
            events.append(
                VoiceEvent(cursor_s, item.duration_s, item.line, item.kind, chapter, item.gain_db)
            )
        elif isinstance(item, BreathItem):
            _place_breath(item, cursor_s, chapter, events, cues)
        elif isinstance(item, HoldItem):
            holds.append(Hold(cursor_s, item.duration_s, chapter))
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
    item: BreathItem,
    start_s: float,
    chapter: int,
    events: list[VoiceEvent],
    cues: list[CueEvent],
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

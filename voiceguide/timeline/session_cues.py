"""Cues laid over an already-placed timeline: session-wide breath tones, and chimes between steps."""

from __future__ import annotations

from voiceguide.routine.model import CHIME_SECONDS, Routine, SessionBreathing
from voiceguide.timeline.model import CueEvent, Timeline

CHIME_LEAD_S = 1.5  # a chime rings this long before the next step's first words
CHIME_CLEARANCE_S = 0.3  # and never starts sooner than this after the previous words


def session_breathing(
    timeline: Timeline, routine: Routine, breathing: SessionBreathing
) -> list[CueEvent]:
    """Breath tones (no words) through every step, or only the first and last (``edges``);
    steps with their own paced breathing keep theirs."""
    spans: list[tuple[float, float]] = []
    for step_index, step in enumerate(routine.steps):
        if step.breathe is not None:
            continue
        if breathing.during == "edges" and step_index not in (0, len(routine.steps) - 1):
            continue
        chapters = [chapter for chapter in timeline.chapters if chapter.step_index == step_index]
        start_s, end_s = chapters[0].start_s, chapters[-1].end_s
        if spans and abs(spans[-1][1] - start_s) < 1e-9:
            spans[-1] = (spans[-1][0], end_s)
        else:
            spans.append((start_s, end_s))
    pattern = breathing.pattern
    cues: list[CueEvent] = []
    for start_s, end_s in spans:
        cursor_s = start_s
        while cursor_s + pattern.cycle_s <= end_s + 1e-9:
            for kind, phase_s in pattern.phases:
                if kind != "rest":
                    cues.append(CueEvent(cursor_s, phase_s, kind, pattern.name))  # type: ignore[arg-type]
                cursor_s += phase_s
    return cues


def chimes(timeline: Timeline, chime: str) -> list[CueEvent]:
    """One chime before each step after the first, in the silence before its first words."""
    cues = []
    seen_steps = {timeline.chapters[0].step_index} if timeline.chapters else set()
    for chapter in timeline.chapters[1:]:
        if chapter.step_index in seen_steps:
            continue  # the second hand of a step: the switch line is enough
        seen_steps.add(chapter.step_index)
        previous_end_s = max(
            (e.end_s for e in timeline.events if e.start_s < chapter.start_s), default=0.0
        )
        start_s = max(chapter.start_s - CHIME_LEAD_S, previous_end_s + CHIME_CLEARANCE_S)
        cues.append(CueEvent(min(start_s, chapter.start_s), CHIME_SECONDS[chime], "chime", chime))
    return cues

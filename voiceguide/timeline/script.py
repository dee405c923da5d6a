"""The timed script as text: what ``voiceguide show`` prints."""

from __future__ import annotations

from voiceguide.routine.durations import format_clock, format_duration
from voiceguide.timeline.model import Timeline


def format_timeline(timeline: Timeline) -> str:
    """One line per spoken line, a heading per chapter, and where paced breathing runs."""
    lines = [f"{timeline.title}  ({format_duration(timeline.total_s)})"]
    chapter = -1
    breathing_shown: set[int] = set()
    for event in timeline.events:
        if event.chapter != chapter:
            chapter = event.chapter
            heading = timeline.chapters[chapter]
            lines.append("")
            lines.append(f"{format_clock(heading.start_s)}  == {heading.title} ==")
        if event.kind == "breath":
            if chapter not in breathing_shown:
                breathing_shown.add(chapter)
                lines.append(
                    f"{format_clock(event.start_s)}  (paced breathing; the voice counts the first breaths)"
                )
            continue
        lines.append(f"{format_clock(event.start_s)}  {event.text}")
    lines.append("")
    if timeline.total_s - timeline.steps_end_s > 10:
        lines.append(
            f"{format_clock(timeline.steps_end_s)}  (the soundscape lingers, then fades to silence)"
        )
    lines.append(f"{format_clock(timeline.total_s)}  (end)")
    return "\n".join(lines)

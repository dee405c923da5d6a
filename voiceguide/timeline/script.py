"""The timed script as text: what ``voiceguide show`` prints."""

from __future__ import annotations

from voiceguide.timeline.model import Hold, Timeline
from voiceguide.timetext import duration, script_clock


def format_timeline(timeline: Timeline) -> str:
    """One line per spoken line, a heading per chapter, where paced breathing runs, and where the
    player waits for a key (a hold)."""
    lines = [f"{timeline.title}  ({duration(timeline.total_s)})"]
    chapter = -1
    breathing_shown: set[int] = set()
    holds = list(timeline.holds)
    for event in timeline.events:
        while holds and holds[0].start_s <= event.start_s:
            lines.append(_hold_line(holds.pop(0)))
        if event.chapter != chapter:
            chapter = event.chapter
            heading = timeline.chapters[chapter]
            lines.append("")
            lines.append(f"{script_clock(heading.start_s)}  == {heading.title} ==")
        if event.kind == "breath":
            if chapter not in breathing_shown:
                breathing_shown.add(chapter)
                lines.append(
                    f"{script_clock(event.start_s)}  (paced breathing; the voice counts the first breaths)"
                )
            continue
        lines.append(f"{script_clock(event.start_s)}  {event.text}")
    lines.extend(_hold_line(hold) for hold in holds)
    lines.append("")
    if timeline.total_s - timeline.steps_end_s > 10:
        lines.append(
            f"{script_clock(timeline.steps_end_s)}  (the soundscape lingers, then fades to silence)"
        )
    lines.append(f"{script_clock(timeline.total_s)}  (end)")
    return "\n".join(lines)


def _hold_line(hold: Hold) -> str:
    return (
        f"{script_clock(hold.start_s)}  (hold: waits for you, space goes on; "
        f"an export pauses {hold.duration_s:g} s)"
    )

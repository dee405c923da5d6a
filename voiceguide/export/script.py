"""A printable, timed script for a caregiver to read aloud: step titles, start times, the words,
and where the cues fall (chimes, paced breathing). Markdown or HTML, from the same timeline."""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass

from voiceguide.export.cover import Cover
from voiceguide.routine.model import Routine
from voiceguide.routine.words import Words
from voiceguide.timeline import Timeline
from voiceguide.timetext import duration, script_clock


@dataclass(frozen=True, slots=True)
class _Row:
    start_s: float
    text: str
    cue: bool  # a cue mark, not words to read


def _chapters(timeline: Timeline, words: Words) -> list[tuple[str, float, list[_Row]]]:
    sections: list[tuple[str, float, list[_Row]]] = [
        (c.title, c.start_s, []) for c in timeline.chapters
    ]

    def section_at(start_s: float) -> list[_Row]:
        return sections[timeline.chapter_at(start_s)][2]

    for line in timeline.lines:
        section_at(line.start_s).append(_Row(line.start_s, line.text, False))
    breathing_start: dict[int, tuple[float, str, int]] = {}
    for cue in timeline.cues:
        if cue.kind == "chime":
            section_at(cue.start_s).append(
                _Row(cue.start_s, words.label("chime", name=cue.name), True)
            )
        elif cue.kind == "inhale":
            chapter = timeline.chapter_at(cue.start_s)
            first, name, count = breathing_start.get(chapter, (cue.start_s, cue.name, 0))
            breathing_start[chapter] = (first, name, count + 1)
    for chapter, (start_s, name, count) in breathing_start.items():
        sections[chapter][2].append(
            _Row(start_s, words.label("breathing", name=name, count=count), True)
        )
    for hold in timeline.holds:  # the player waits for a key here; an export pauses
        sections[hold.chapter][2].append(
            _Row(hold.start_s, words.label("waits", seconds=f"{hold.duration_s:g}"), True)
        )
    for _, _, rows in sections:
        rows.sort(key=lambda row: row.start_s)
    return sections


def script_markdown(routine: Routine, timeline: Timeline) -> str:
    words = routine.words
    lines = [f"# {routine.title}", ""]
    if routine.description:
        lines += [routine.description, ""]
    lines += [words.label("length", length=duration(timeline.total_s)), ""]
    lines.append(words.label("read_hint"))
    for title, start_s, rows in _chapters(timeline, words):
        lines += ["", f"## {script_clock(start_s)} · {title}", ""]
        for row in rows:
            text = f"*{row.text}*" if row.cue else row.text
            lines.append(f"- **{script_clock(row.start_s)}** {text}")
    lines += ["", f"*{script_clock(timeline.total_s)} · {words.label('end')}*", ""]
    return "\n".join(lines)


def script_html(routine: Routine, timeline: Timeline, cover: Cover | None = None) -> str:
    escape = html.escape
    words = routine.words
    length = words.label("length", length=duration(timeline.total_s))
    picture = (
        f'<img class="cover" alt="" width="280" height="280" '
        f'src="data:{cover.mime};base64,{base64.b64encode(cover.data).decode("ascii")}">'
        if cover is not None
        else ""
    )
    parts = [
        "<!doctype html>",
        f'<html lang="{escape(routine.language)}"><head><meta charset="utf-8">',
        f"<title>{escape(routine.title)}</title>",
        "<style>body{font:1.35rem/1.6 Georgia,serif;max-width:40rem;margin:2rem auto;padding:0 1rem}"
        "h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #999;page-break-after:avoid}"
        "li{list-style:none;margin:.4rem 0;page-break-inside:avoid}time{font:bold .95rem monospace;"
        "margin-right:.8rem}.cue{color:#555;font-style:italic}.cover{display:block;margin:0 auto 1rem}"
        "@media print{body{margin:0}}</style></head><body>",
        picture,
        f"<h1>{escape(routine.title)}</h1>",
        f"<p>{escape(routine.description)}</p>" if routine.description else "",
        f"<p>{escape(length)} {escape(words.label('read_hint').replace('*', ''))}</p>",
    ]
    for title, start_s, rows in _chapters(timeline, words):
        parts.append(f"<h2><time>{script_clock(start_s)}</time>{escape(title)}</h2><ul>")
        for row in rows:
            css = ' class="cue"' if row.cue else ""
            parts.append(
                f"<li{css}><time>{script_clock(row.start_s)}</time>{escape(row.text)}</li>"
            )
        parts.append("</ul>")
    parts.append(
        f'<p class="cue"><time>{script_clock(timeline.total_s)}</time>{escape(words.label("end"))}'
        "</p></body></html>"
    )
    return "\n".join(parts) + "\n"

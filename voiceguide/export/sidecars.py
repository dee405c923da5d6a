"""Files beside the audio: subtitles (SRT, WebVTT, LRC) and Podcasting 2.0 JSON chapters."""

from __future__ import annotations

import json

from voiceguide.export.metadata import Metadata, clock
from voiceguide.timeline import Timeline

SUBTITLE_FORMATS = ("srt", "vtt", "lrc")


def subtitles(timeline: Timeline, kind: str, title: str) -> str:
    """Each spoken line with its real start and end."""
    events = timeline.events
    if kind == "srt":
        blocks = [
            f"{number}\n{_srt(event.start_s)} --> {_srt(event.end_s)}\n{event.text}\n"
            for number, event in enumerate(events, start=1)
        ]
        return "\n".join(blocks)
    if kind == "vtt":
        cues = [
            f"{clock(event.start_s)} --> {clock(event.end_s)}\n{event.text}\n" for event in events
        ]
        return "WEBVTT\n\n" + "\n".join(cues)
    if kind == "lrc":
        lines = [f"[ti:{title}]", "[by:voiceguide]"]
        for event in events:
            minutes, seconds = divmod(round(event.start_s * 100) / 100, 60)
            lines.append(f"[{int(minutes):02d}:{seconds:05.2f}]{event.text}")
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown subtitle format {kind!r}")


def _srt(seconds: float) -> str:
    return clock(seconds).replace(".", ",")


def chapters_json(metadata: Metadata) -> str:
    """Podcasting 2.0 chapters (version 1.2.0), read by a growing set of podcast apps."""
    document = {
        "version": "1.2.0",
        "title": metadata.title,
        "chapters": [
            {
                "startTime": round(chapter.start_s, 3),
                "endTime": round(chapter.end_s, 3),
                "title": chapter.title,
            }
            for chapter in metadata.chapters
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

"""Files beside the audio: subtitles (SRT, WebVTT, LRC) and Podcasting 2.0 JSON chapters."""

from __future__ import annotations

import json

from voiceguide.export.metadata import Metadata
from voiceguide.timeline import Timeline
from voiceguide.timetext import lrc_timestamp, srt_timestamp, timestamp
from voiceguide.untrusted import one_line


def subtitles(timeline: Timeline, kind: str, title: str) -> str:
    """Each spoken line with its real start and end, on one line (a blank line ends a cue)."""
    events = timeline.events
    if kind == "srt":
        blocks = [
            f"{number}\n{srt_timestamp(event.start_s)} --> {srt_timestamp(event.end_s)}\n{one_line(event.text)}\n"
            for number, event in enumerate(events, start=1)
        ]
        return "\n".join(blocks)
    if kind == "vtt":
        cues = [
            f"{timestamp(event.start_s)} --> {timestamp(event.end_s)}\n{one_line(event.text)}\n"
            for event in events
        ]
        return "WEBVTT\n\n" + "\n".join(cues)
    if kind == "lrc":
        lines = [f"[ti:{one_line(title)}]", "[by:voiceguide]"]
        lines += [f"{lrc_timestamp(event.start_s)}{one_line(event.text)}" for event in events]
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown subtitle format {kind!r}")


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

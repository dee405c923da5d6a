"""What an exported file says about itself: tags and chapters, taken from the routine and timeline."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from voiceguide import __version__
from voiceguide.export.cover import Cover
from voiceguide.routine.model import Routine
from voiceguide.timeline import Timeline
from voiceguide.untrusted import one_line

DEFAULT_ALBUM = "voiceguide sessions"
GENRE = "Spoken Word"


@dataclass(frozen=True, slots=True)
class ChapterMark:
    start_s: float
    end_s: float
    title: str


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str
    artist: str
    album: str
    genre: str
    year: str
    comment: str
    encoder: str
    chapters: tuple[ChapterMark, ...]
    total_s: float
    cover: Cover | None = None
    track: tuple[int, int] | None = None  # (number, count) of a file in a --split set


def metadata_for(routine: Routine, timeline: Timeline, cover: Cover | None = None) -> Metadata:
    """Tags from the routine; chapters (one per step, per hand) from :func:`export_chapters`.
    Every text is one line (a line break in a tag or a playlist entry starts a new one)."""
    return Metadata(
        title=one_line(routine.title),
        artist="voiceguide",
        album=one_line(routine.collection or DEFAULT_ALBUM),
        genre=GENRE,
        year=_year(),
        comment=one_line(routine.description),
        encoder=f"voiceguide {__version__}",
        chapters=export_chapters(timeline),
        total_s=timeline.total_s,
        cover=cover,
    )


def export_chapters(timeline: Timeline) -> tuple[ChapterMark, ...]:
    """The timeline's chapters, the first from 0 and the last to the end of the file, so that they
    cover it whole (players and the MP4 chapter track expect that); every boundary between steps
    is the timeline's exact time."""
    chapters = list(timeline.chapters)
    marks = []
    for index, chapter in enumerate(chapters):
        start_s = 0.0 if index == 0 else chapter.start_s
        end_s = timeline.total_s if index == len(chapters) - 1 else chapter.end_s
        marks.append(ChapterMark(start_s, end_s, one_line(chapter.title)))
    return tuple(marks)


def _year() -> str:
    """This year, or the year of ``$SOURCE_DATE_EPOCH`` for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    seconds = float(epoch) if epoch and epoch.isdigit() else time.time()
    return time.strftime("%Y", time.gmtime(seconds))

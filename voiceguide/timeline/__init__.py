"""The plan: routine + options + measured clip lengths -> every line's start, cues, chapters, length.

Pure standard library, no audio: everything audible is rendered from a :class:`Timeline`, and the
chapters, printed script and step list read the same value, so they cannot disagree with the audio.
"""

from voiceguide.timeline.layout import fixed_time_problems, plan, spoken_lines, step_of_lines
from voiceguide.timeline.model import (
    FADE_IN_S,
    FADE_OUT_S,
    LEAD_IN_S,
    LEAD_OUT_S,
    Chapter,
    CueEvent,
    Hold,
    Line,
    PlanOptions,
    Timeline,
    VoiceEvent,
    showing_at,
    written_length_s,
)
from voiceguide.timeline.script import format_timeline

__all__ = [
    "FADE_IN_S",
    "FADE_OUT_S",
    "LEAD_IN_S",
    "LEAD_OUT_S",
    "Chapter",
    "CueEvent",
    "Hold",
    "Line",
    "PlanOptions",
    "Timeline",
    "VoiceEvent",
    "fixed_time_problems",
    "format_timeline",
    "plan",
    "showing_at",
    "spoken_lines",
    "step_of_lines",
    "written_length_s",
]

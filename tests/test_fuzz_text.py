"""Every text field that reaches a title, a tag, a playlist, a feed, a subtitle or the screen, fuzzed
with the characters that break them (issue 22): all of C0 and C1, DEL, U+2028/2029, U+0085 and
the bidirectional controls, among ordinary text. A routine either is refused with a located error,
or every file made from it parses (one M3U entry per part, well-formed XML, one-line ID3 frames,
one subtitle line per cue) and nothing it writes to a terminal holds a control character. Fast:
no engine (clip lengths from the text), a bounded number of examples, a fixed seed."""

from __future__ import annotations

import json
import os
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from tests.fakes import fake_clip_s
from voiceguide.errors import RoutineError
from voiceguide.export.feed import feed_document
from voiceguide.export.metadata import metadata_for
from voiceguide.export.sidecars import chapters_json, subtitles
from voiceguide.export.split import _playlist
from voiceguide.export.tags import _id3
from voiceguide.routinefile import parse_routine
from voiceguide.timeline import PlanOptions, plan, spoken_lines
from voiceguide.timeline.script import format_timeline
from voiceguide.untrusted import is_control

EXAMPLES = int(os.environ.get("VOICEGUIDE_FUZZ_EXAMPLES", "60"))
BREAKERS = (
    [chr(code) for code in range(0x20)]
    + ["\x7f"]
    + [chr(code) for code in range(0x80, 0xA0)]
    + ["\u2028", "\u2029", "\u061c", "\u200e", "\u200f"]
    + [chr(code) for code in range(0x202A, 0x202F)]
    + [chr(code) for code in range(0x2066, 0x206A)]
)
WORDS = ["Rest", "your", "hands", " ", "é", ".", "🙂", "\u00a0"]
LINE_BREAKS = ["\n", "\t", "\n\n", "\r\n"]


def _ordinary(extra: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(WORDS + extra), max_size=8).map(lambda ws: "Rest" + "".join(ws))


HOSTILE = st.lists(st.sampled_from(BREAKERS + WORDS), min_size=1, max_size=12).map("".join)
FIELDS = ("title", "description", "collection", "step_title", "say", "prompt", "switch_say")
ONE_LINE_FIELDS = ("title", "collection", "step_title")


def _quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar, every character outside printable ASCII escaped."""
    escaped = "".join(
        char if " " <= char <= "~" and char not in '"\\' else
        f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"
        for char in text
    )  # fmt: skip
    return f'"{escaped}"'


def _routine_yaml(values: dict[str, str]) -> str:
    quoted = {key: _quoted(value) for key, value in values.items()}
    return (
        f"title: {quoted['title']}\n"
        f"description: {quoted['description']}\n"
        f"collection: {quoted['collection']}\n"
        "steps:\n"
        "  - id: one\n"
        f"    title: {quoted['step_title']}\n"
        "    duration: 40s\n"
        f"    say: {quoted['say']}\n"
        "    each_hand: true\n"
        f"    switch_say: {quoted['switch_say']}\n"
        f"    prompts:\n      - after: 2s\n        say: {quoted['prompt']}\n"
        "  - duration: 20s\n"
        f"    say: {quoted['prompt']}\n"
    )


@dataclass(frozen=True)
class _Episode:
    path: Path
    files: tuple[Path, ...]
    title: str
    description: str
    total_s: float
    cover: bytes = b""
    cover_mime: str = "image/jpeg"
    changed_s: float = 0.0


def _no_control(text: str, where: str, *, lines: bool = False) -> None:
    bad = [char for char in text if is_control(char) and not (lines and char == "\n")]
    assert not bad, f"{where}: {[f'U+{ord(char):04X}' for char in bad]} in {text!r}"


@seed(20261207)
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.fixed_dictionaries(
        {field: _ordinary([] if field in ONE_LINE_FIELDS else LINE_BREAKS) for field in FIELDS}
    ),
    st.sampled_from([None, None, None, *FIELDS]),  # the field given hostile text, if any
    HOSTILE,
)
def test_text_fields_reach_no_file_or_terminal_with_a_control_character(
    values: dict[str, str], hostile_field: str | None, hostile: str
) -> None:
    if hostile_field is not None:
        values = {**values, hostile_field: hostile}
    try:
        routine = parse_routine(_routine_yaml(values).encode(), source="fuzz.yaml", name="fuzz")
    except RoutineError as error:  # refused, with a located error that is itself clean
        for line in str(error).splitlines():
            assert line.startswith("fuzz.yaml:"), str(error)
            _no_control(line, "the error")
        return
    timeline = plan(
        routine,
        {line: fake_clip_s(line.text) for line in spoken_lines(routine)},
        PlanOptions(target_s=None),
    )
    metadata = metadata_for(routine, timeline)
    for text in (metadata.title, metadata.album, metadata.comment):
        _no_control(text, "a tag")
    # the screen: show's script
    _no_control(format_timeline(timeline), "show", lines=True)
    # M3U: two header lines, then two lines per part
    parts = [Path(f"fuzz-{n:02d}.mp3") for n in range(1, len(metadata.chapters) + 1)]
    m3u = _playlist(parts, metadata)
    assert len(m3u.splitlines()) == 2 + 2 * len(parts), m3u
    assert m3u.splitlines()[3::2] == [part.name for part in parts], m3u
    _no_control(m3u, "the playlist", lines=True)
    # the feed: well-formed XML that says the title back, folded
    episode = _Episode(Path("/nonexistent/fuzz.mp3"), (), routine.title, routine.description, 60.0)
    with tempfile.TemporaryDirectory() as folder:
        audio = Path(folder) / "fuzz.mp3"
        audio.write_bytes(b"\xff\xfb" * 10)
        episode = _Episode(audio, (audio,), routine.title, routine.description, 60.0)
        document = feed_document([episode], [Path("fuzz.cover.jpg")], "http://x/", Path("feed.jpg"))
        item = ET.fromstring(document).find("channel/item")
        assert item is not None
        for tag in ("title", "description"):
            _no_control(item.findtext(tag) or "", f"the feed's {tag}")
        # ID3: every text frame one line
        _id3(audio, metadata)
        from mutagen.id3 import ID3

        frames: Any = ID3(audio).values()  # type: ignore[no-untyped-call]
        for frame in frames:
            for text in getattr(frame, "text", []):
                _no_control(str(text), f"ID3 {frame.FrameID}")
            for sub in getattr(frame, "sub_frames", {}).values():
                for text in getattr(sub, "text", []):
                    _no_control(str(text), f"ID3 chapter {sub.FrameID}")
    # subtitles: one text line per cue
    for kind in ("srt", "vtt", "lrc"):
        written = subtitles(timeline, kind, metadata.title)
        _no_control(written, kind, lines=True)
    srt_blocks = subtitles(timeline, "srt", metadata.title).strip().split("\n\n")
    assert len(srt_blocks) == len(timeline.events)
    assert all(len(block.splitlines()) == 3 for block in srt_blocks), srt_blocks
    json.loads(chapters_json(metadata))

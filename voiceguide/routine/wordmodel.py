"""What the words voiceguide adds are: the keys a language's table (or a routine's ``words:``) gives,
how one side of one body part is named, and the English labels of the printed script that every
language falls back to. The tables themselves are in :mod:`voiceguide.routine.words`. Standard
library only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

BREATH_KEYS = {"inhale": "breathe_in", "hold": "hold", "exhale": "breathe_out"}
SIDE_KEYS = ("right", "left", "right_title", "left_title")
SCRIPT_KEYS = ("length", "read_hint", "chime", "breathing", "waits", "end")
LINE_KEYS = ("breathe_in", "hold", "breathe_out", "switch", "switch_partner")


@dataclass(frozen=True, slots=True)
class SideWords:
    """How one side of one body part is named: ``{side}`` in the right and left rounds, and the
    chapter suffixes; optionally its own switch lines (else the language's, built from ``left_title``)."""

    right: str
    left: str
    right_title: str
    left_title: str
    switch: str | None = None
    switch_partner: str | None = None

    def word(self, right: bool) -> str:
        return self.right if right else self.left

    def title(self, right: bool) -> str:
        return self.right_title if right else self.left_title


@dataclass(frozen=True, slots=True)
class Words:
    """Every generated word for one routine; ``None`` where its language has no word (a routine that
    needs one is refused by ``validate``)."""

    language: str
    lines: tuple[tuple[str, str], ...] = ()  # LINE_KEYS -> text; switch lines may use {left_title}
    sides: tuple[tuple[str, SideWords], ...] = ()  # noun (as written in each_side) -> its words
    script: tuple[tuple[str, str], ...] = ()  # SCRIPT_KEYS -> label, English when not given
    any_noun: bool = False  # English: "right NOUN" for a noun not in the table
    chapter_format: str = "{title} ({side})"

    def line(self, key: str) -> str | None:
        return dict(self.lines).get(key)

    def breath(self, kind: str) -> str | None:
        """The spoken cue for a breath phase (inhale, hold, exhale), or ``None`` for rest."""
        return self.line(BREATH_KEYS[kind]) if kind in BREATH_KEYS else None

    def side(self, noun: str) -> SideWords | None:
        found = dict(self.sides).get(noun)
        if found is None and self.any_noun:
            return SideWords("right", "left", f"right {noun}", f"left {noun}")
        return found

    def switch_line(self, noun: str, partner: bool) -> str | None:
        """What opens the left round when the step gives no ``switch_say``."""
        side = self.side(noun)
        key = "switch_partner" if partner else "switch"
        own = None if side is None else (side.switch_partner if partner else side.switch)
        template = own or self.line(key)
        if template is None or side is None:
            return None
        return template.replace("{left_title}", side.left_title)

    def chapter_title(self, title: str, noun: str, right: bool) -> str:
        side = self.side(noun)
        shown = side.title(right) if side else ("right" if right else "left")
        return self.chapter_format.format(title=title, side=shown)

    def label(self, key: str, **values: object) -> str:
        return (dict(self.script).get(key) or EN_SCRIPT[key]).format(**values)

    def missing_for_side(self, noun: str, needs_switch: bool, partner: bool) -> list[str]:
        """The ``words:`` entries a per-side step on ``noun`` needs and this table lacks."""
        if self.side(noun) is None:
            wanted = [f"sides.{noun}.{key}" for key in SIDE_KEYS]
            if needs_switch and self.line("switch_partner" if partner else "switch") is None:
                wanted.append("switch_partner" if partner else "switch")
            return wanted
        if needs_switch and self.switch_line(noun, partner) is None:
            return ["switch_partner" if partner else "switch"]
        return []

    def with_overrides(
        self, lines: Mapping[str, str], sides: Mapping[str, Mapping[str, str]]
    ) -> Words:
        """These words with a routine's own ``words:`` on top (a partial side entry fills in from
        the table's entry for that noun)."""
        merged_sides = dict(self.sides)
        for noun, given in sides.items():
            base = self.side(noun)
            keys = (*SIDE_KEYS, "switch", "switch_partner")
            values = {key: getattr(base, key) for key in keys} if base else {}
            values = {**values, **given}
            if all(key in values and values[key] for key in SIDE_KEYS):
                merged_sides[noun] = SideWords(**values)
        script = {key: value for key, value in lines.items() if key in SCRIPT_KEYS}
        spoken = {key: value for key, value in lines.items() if key in LINE_KEYS}
        return replace(
            self,
            lines=tuple({**dict(self.lines), **spoken}.items()),
            sides=tuple(merged_sides.items()),
            script=tuple({**dict(self.script), **script}.items()),
        )


EN_SCRIPT = {
    "length": "Length {length}.",
    "read_hint": "Read each line at its time; lines in *italics* are cues you hear, not words to say.",
    "chime": "chime ({name})",
    "breathing": "breathing: {name}, {count} breaths, following the tones",
    "waits": "waits for you: go on when ready (an exported file pauses {seconds} s)",
    "end": "end",
}

"""A routine's own ``words:`` map (words voiceguide adds, for a language without a table or to
change the table's), and naming the words a routine needs but its language lacks."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import yaml

from voiceguide.routine.model import StepBreathing
from voiceguide.routine.text import TextFormatError, check_text
from voiceguide.routine.words import BREATH_KEYS, LINE_KEYS, SCRIPT_KEYS, SIDE_KEYS, Words

if TYPE_CHECKING:
    from voiceguide.routinefile.reader import NodeReader

MAX_WORD_CHARS = 300
_SIDE_FIELDS = (*SIDE_KEYS, "switch", "switch_partner")


def read_words(reader: NodeReader, node: yaml.Node, table: Words) -> Words:
    """``table`` with the routine's ``words:`` on top; every mistake noted on ``reader``."""
    fields = reader.mapping(node, "words", (), (*LINE_KEYS, *SCRIPT_KEYS, "sides"), partial=True)
    lines: dict[str, str] = {}
    for key, value in fields.items():
        if key != "sides":
            text = reader.attempt(partial(_word, reader, value, f"words.{key}"))
            if text is not None:
                lines[key] = text
    sides: dict[str, dict[str, str]] = {}
    if "sides" in fields:
        sides = reader.attempt(lambda: _sides(reader, fields["sides"], table)) or {}
    return table.with_overrides(lines, sides)


def _sides(reader: NodeReader, node: yaml.Node, table: Words) -> dict[str, dict[str, str]]:
    if not isinstance(node, yaml.MappingNode):
        raise reader.fail(node, "words.sides", "expected a mapping of body parts to their words")
    sides: dict[str, dict[str, str]] = {}
    for key_node, value_node in node.value:
        noun = reader.scalar(key_node, "words.sides", "a body part like foot")
        field = f"words.sides.{noun}"
        entry = reader.mapping(value_node, field, (), _SIDE_FIELDS, partial=True)
        given = {
            key: text
            for key, value in entry.items()
            if (text := reader.attempt(partial(_word, reader, value, f"{field}.{key}")))
        }
        if table.side(noun) is None:
            lacking = [key for key in SIDE_KEYS if key not in entry]
            if lacking:
                reader.note(reader.fail(value_node, field, f"missing {', '.join(lacking)}"))
        sides[noun] = given
    return sides


def _word(reader: NodeReader, node: yaml.Node, field: str) -> str:
    text = reader.text(node, field, MAX_WORD_CHARS)
    try:
        check_text(text.replace("{left_title}", "x"), allow_hand=True)
    except TextFormatError as error:
        raise reader.fail(node, field, str(error)) from None
    return text


def missing_breath_words(words: Words, breathing: StepBreathing) -> list[str]:
    """The breathing cues a step speaks that ``words`` lacks."""
    return [
        BREATH_KEYS[kind]
        for kind, _ in breathing.pattern.phases
        if kind in BREATH_KEYS and words.breath(kind) is None
    ]


def missing_words(language: str, wanted: list[str]) -> str:
    return (
        f"voiceguide has no '{language}' words for this; add them to the routine's 'words:' map: "
        + ", ".join(wanted)
    )

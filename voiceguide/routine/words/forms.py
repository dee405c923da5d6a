"""Side words built from a language's nouns and their genders, and the hand's own switch lines."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from voiceguide.routine.wordmodel import SideWords


def gendered(
    nouns: Mapping[str, tuple[str, str]],
    adjectives: Mapping[str, tuple[str, str]],
    phrase: str,
    side_word: Mapping[str, tuple[str, str]] | None = None,
) -> tuple[tuple[str, SideWords], ...]:
    """Side words for nouns of known gender: ``adjectives[gender]`` is the (right, left) form in a
    title, ``phrase`` orders noun and adjective; ``side_word`` the ``{side}`` forms (else the same)."""
    entries = []
    for key, (noun, gender) in nouns.items():
        right, left = adjectives[gender]
        word_right, word_left = (side_word or adjectives)[gender]
        entries.append(
            (
                key,
                SideWords(
                    word_right,
                    word_left,
                    phrase.format(adj=right, noun=noun),
                    phrase.format(adj=left, noun=noun),
                ),
            )
        )
    return tuple(entries)


def with_hand_switch(
    entries: tuple[tuple[str, SideWords], ...], switch: str, partner: str
) -> tuple[tuple[str, SideWords], ...]:
    return tuple(
        (noun, replace(words, switch=switch, switch_partner=partner) if noun == "hand" else words)
        for noun, words in entries
    )

"""The words voiceguide adds to a routine, in the routine's language: which side of the body
(``{side}``, the chapter suffix), the default switch line, the spoken breathing cues, and the labels
of the printed script. Built-in tables, one module a language (en, de, es, fr, it); a routine's ``words:`` map adds or
overrides any of them (what the words are: :mod:`voiceguide.routine.wordmodel`). Standard
library only.

Side words are per noun because in most languages the adjective agrees with it (Spanish *mano
derecha* but *pie derecho*, French *main droite* but *pied droit*): a noun's entry gives the word
``{side}`` becomes (``right``/``left``) and the chapter suffix (``right_title``/``left_title``).
German ``{side}`` is the weak form ``rechte``/``linke`` so an author adds the ending the sentence
needs (``deinen {side}n Fuß`` -> ``deinen rechten Fuß``)."""

from __future__ import annotations

from voiceguide.routine.wordmodel import (
    BREATH_KEYS,
    LINE_KEYS,
    SCRIPT_KEYS,
    SIDE_KEYS,
    SideWords,
    Words,
)
from voiceguide.routine.words import de, en, es, fr, it

__all__ = [
    "BREATH_KEYS", "ENGLISH", "LANGUAGES", "LINE_KEYS", "SCRIPT_KEYS", "SIDE_KEYS", "SideWords",
    "Words", "words_for",
]  # fmt: skip


def words_for(language: str) -> Words:
    """The built-in table for a language code (``de-at`` uses ``de``); an empty one if none."""
    family = language.lower().replace("_", "-").split("-")[0]
    return _TABLES.get(family) or Words(language=family)


_TABLES = {"en": en.TABLE, "de": de.TABLE, "es": es.TABLE, "fr": fr.TABLE, "it": it.TABLE}
ENGLISH = en.TABLE
LANGUAGES = tuple(_TABLES)

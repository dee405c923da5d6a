"""The words voiceguide adds to a routine, in the routine's language: which side of the body
(``{side}``, the chapter suffix), the default switch line, the spoken breathing cues, and the labels
of the printed script. Built-in tables for en, de, es, fr and it; a routine's ``words:`` map adds or
overrides any of them (what the words are: :mod:`voiceguide.routine.wordmodel`). Standard
library only.

Side words are per noun because in most languages the adjective agrees with it (Spanish *mano
derecha* but *pie derecho*, French *main droite* but *pied droit*): a noun's entry gives the word
``{side}`` becomes (``right``/``left``) and the chapter suffix (``right_title``/``left_title``).
German ``{side}`` is the weak form ``rechte``/``linke`` so an author adds the ending the sentence
needs (``deinen {side}n Fuß`` -> ``deinen rechten Fuß``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from voiceguide.routine.wordmodel import (
    BREATH_KEYS,
    EN_SCRIPT,
    LINE_KEYS,
    SCRIPT_KEYS,
    SIDE_KEYS,
    SideWords,
    Words,
)

__all__ = [
    "BREATH_KEYS", "ENGLISH", "LANGUAGES", "LINE_KEYS", "SCRIPT_KEYS", "SIDE_KEYS", "SideWords",
    "Words", "words_for",
]  # fmt: skip


def words_for(language: str) -> Words:
    """The built-in table for a language code (``de-at`` uses ``de``); an empty one if none."""
    family = language.lower().replace("_", "-").split("-")[0]
    return _TABLES.get(family) or Words(language=family)


# -- the tables -------------------------------------------------------------------------------


def _gendered(
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


def _with_hand_switch(
    entries: tuple[tuple[str, SideWords], ...], switch: str, partner: str
) -> tuple[tuple[str, SideWords], ...]:
    return tuple(
        (noun, replace(words, switch=switch, switch_partner=partner) if noun == "hand" else words)
        for noun, words in entries
    )


_EN = Words(
    language="en",
    lines=(
        ("breathe_in", "Breathe in."),
        ("hold", "Hold."),
        ("breathe_out", "And out."),
        ("switch", "Now switch sides, and give the same care to your {left_title}."),
        ("switch_partner", "Now move across to your partner's {left_title}."),
    ),
    sides=(
        (
            "hand",
            SideWords(
                "right",
                "left",
                "right hand",
                "left hand",
                switch="Now switch hands, and give the same care to your left hand.",
            ),
        ),
    ),
    script=tuple(EN_SCRIPT.items()),
    any_noun=True,
)

_DE_NOUNS = {
    "hand": ("Hand", "f"), "foot": ("Fuß", "m"), "arm": ("Arm", "m"), "leg": ("Bein", "n"),
    "shoulder": ("Schulter", "f"), "knee": ("Knie", "n"), "elbow": ("Ellbogen", "m"),
    "wrist": ("Handgelenk", "n"), "ankle": ("Knöchel", "m"), "hip": ("Hüfte", "f"),
    "side": ("Seite", "f"), "ear": ("Ohr", "n"), "eye": ("Auge", "n"), "thumb": ("Daumen", "m"),
    "forearm": ("Unterarm", "m"), "calf": ("Wade", "f"), "thigh": ("Oberschenkel", "m"),
}  # fmt: skip
_DE = Words(
    language="de",
    lines=(
        ("breathe_in", "Einatmen."),
        ("hold", "Halten."),
        ("breathe_out", "Und ausatmen."),
        (
            "switch",
            "Wechsle jetzt die Seite, und schenke deiner linken Seite die gleiche Aufmerksamkeit.",
        ),
        ("switch_partner", "Wechsle jetzt zur linken Seite deines Gegenübers."),
    ),
    sides=_with_hand_switch(
        _gendered(
            _DE_NOUNS,
            {"f": ("rechte", "linke"), "m": ("rechter", "linker"), "n": ("rechtes", "linkes")},
            "{adj} {noun}",
            side_word={
                "f": ("rechte", "linke"),
                "m": ("rechte", "linke"),
                "n": ("rechte", "linke"),
            },
        ),
        "Wechsle jetzt die Hand, und schenke deiner linken Hand die gleiche Aufmerksamkeit.",
        "Wechsle jetzt zur linken Hand deines Gegenübers.",
    ),
    script=(
        ("length", "Dauer {length}."),
        (
            "read_hint",
            "Lies jede Zeile zu ihrer Zeit; kursive Zeilen sind Klänge, die du hörst, kein Text zum Vorlesen.",
        ),
        ("chime", "Klang ({name})"),
        ("breathing", "Atmung: {name}, {count} Atemzüge, den Tönen folgend"),
        (
            "waits",
            "wartet auf dich: weiter, wenn du bereit bist (eine exportierte Datei pausiert {seconds} s)",
        ),
        ("end", "Ende"),
    ),
)

_ES_NOUNS = {
    "hand": ("mano", "f"), "foot": ("pie", "m"), "arm": ("brazo", "m"), "leg": ("pierna", "f"),
    "shoulder": ("hombro", "m"), "knee": ("rodilla", "f"), "elbow": ("codo", "m"),
    "wrist": ("muñeca", "f"), "ankle": ("tobillo", "m"), "hip": ("cadera", "f"),
    "side": ("lado", "m"), "ear": ("oreja", "f"), "eye": ("ojo", "m"), "thumb": ("pulgar", "m"),
    "forearm": ("antebrazo", "m"), "calf": ("pantorrilla", "f"), "thigh": ("muslo", "m"),
}  # fmt: skip
_ES = Words(
    language="es",
    lines=(
        ("breathe_in", "Inhala."),
        ("hold", "Sostén el aire."),
        ("breathe_out", "Y exhala."),
        ("switch", "Ahora cambia de lado, y dale el mismo cuidado a tu {left_title}."),
        ("switch_partner", "Ahora pasa al lado izquierdo de tu pareja."),
    ),
    sides=_with_hand_switch(
        _gendered(
            _ES_NOUNS,
            {"f": ("derecha", "izquierda"), "m": ("derecho", "izquierdo")},
            "{noun} {adj}",
        ),
        "Ahora cambia de mano, y dale el mismo cuidado a tu mano izquierda.",
        "Ahora pasa a la mano izquierda de tu pareja.",
    ),
    script=(
        ("length", "Duración {length}."),
        (
            "read_hint",
            "Lee cada línea a su hora; las líneas en cursiva son sonidos que oyes, no palabras que decir.",
        ),
        ("chime", "campana ({name})"),
        ("breathing", "respiración: {name}, {count} respiraciones, siguiendo los tonos"),
        (
            "waits",
            "te espera: sigue cuando estés listo (un archivo exportado hace una pausa de {seconds} s)",
        ),
        ("end", "fin"),
    ),
)

_FR_NOUNS = {
    "hand": ("main", "f"), "foot": ("pied", "m"), "arm": ("bras", "m"), "leg": ("jambe", "f"),
    "shoulder": ("épaule", "f"), "knee": ("genou", "m"), "elbow": ("coude", "m"),
    "wrist": ("poignet", "m"), "ankle": ("cheville", "f"), "hip": ("hanche", "f"),
    "side": ("côté", "m"), "ear": ("oreille", "f"), "eye": ("œil", "m"), "thumb": ("pouce", "m"),
    "forearm": ("avant-bras", "m"), "calf": ("mollet", "m"), "thigh": ("cuisse", "f"),
}  # fmt: skip
_FR = Words(
    language="fr",
    lines=(
        ("breathe_in", "Inspirez."),
        ("hold", "Retenez."),
        ("breathe_out", "Et expirez."),
        ("switch", "Changez maintenant de côté, et accordez le même soin à votre {left_title}."),
        ("switch_partner", "Passez maintenant au côté gauche de votre partenaire."),
    ),
    sides=_with_hand_switch(
        _gendered(_FR_NOUNS, {"f": ("droite", "gauche"), "m": ("droit", "gauche")}, "{noun} {adj}"),
        "Changez maintenant de main, et accordez le même soin à votre main gauche.",
        "Passez maintenant à la main gauche de votre partenaire.",
    ),
    script=(
        ("length", "Durée {length}."),
        (
            "read_hint",
            "Lisez chaque ligne à son heure ; les lignes en italique sont des sons, pas des mots à dire.",
        ),
        ("chime", "carillon ({name})"),
        ("breathing", "respiration : {name}, {count} respirations, en suivant les sons"),
        (
            "waits",
            "vous attend : continuez quand vous êtes prêt (un fichier exporté marque une pause de {seconds} s)",
        ),
        ("end", "fin"),
    ),
)

_IT_NOUNS = {
    "hand": ("mano", "f"), "foot": ("piede", "m"), "arm": ("braccio", "m"), "leg": ("gamba", "f"),
    "shoulder": ("spalla", "f"), "knee": ("ginocchio", "m"), "elbow": ("gomito", "m"),
    "wrist": ("polso", "m"), "ankle": ("caviglia", "f"), "hip": ("anca", "f"),
    "side": ("lato", "m"), "ear": ("orecchio", "m"), "eye": ("occhio", "m"), "thumb": ("pollice", "m"),
    "forearm": ("avambraccio", "m"), "calf": ("polpaccio", "m"), "thigh": ("coscia", "f"),
}  # fmt: skip
_IT = Words(
    language="it",
    lines=(
        ("breathe_in", "Inspira."),
        ("hold", "Trattieni il respiro."),
        ("breathe_out", "Ed espira."),
        ("switch", "Ora cambia lato, e dedica la stessa cura al lato sinistro."),
        ("switch_partner", "Ora passa al lato sinistro del tuo partner."),
    ),
    sides=_with_hand_switch(
        _gendered(
            _IT_NOUNS, {"f": ("destra", "sinistra"), "m": ("destro", "sinistro")}, "{noun} {adj}"
        ),
        "Ora cambia mano, e dedica la stessa cura alla mano sinistra.",
        "Ora passa alla mano sinistra del tuo partner.",
    ),
    script=(
        ("length", "Durata {length}."),
        (
            "read_hint",
            "Leggi ogni riga al suo momento; le righe in corsivo sono suoni da ascoltare, non parole da dire.",
        ),
        ("chime", "campana ({name})"),
        ("breathing", "respirazione: {name}, {count} respiri, seguendo i suoni"),
        (
            "waits",
            "ti aspetta: continua quando sei pronto (un file esportato si ferma per {seconds} s)",
        ),
        ("end", "fine"),
    ),
)

_TABLES = {"en": _EN, "de": _DE, "es": _ES, "fr": _FR, "it": _IT}
ENGLISH = _EN
LANGUAGES = tuple(_TABLES)

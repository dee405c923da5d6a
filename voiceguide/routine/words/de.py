"""The words voiceguide adds in German."""

from __future__ import annotations

from voiceguide.routine.wordmodel import Words
from voiceguide.routine.words.forms import gendered, with_hand_switch

NOUNS = {
    "hand": ("Hand", "f"), "foot": ("Fuß", "m"), "arm": ("Arm", "m"), "leg": ("Bein", "n"),
    "shoulder": ("Schulter", "f"), "knee": ("Knie", "n"), "elbow": ("Ellbogen", "m"),
    "wrist": ("Handgelenk", "n"), "ankle": ("Knöchel", "m"), "hip": ("Hüfte", "f"),
    "side": ("Seite", "f"), "ear": ("Ohr", "n"), "eye": ("Auge", "n"), "thumb": ("Daumen", "m"),
    "forearm": ("Unterarm", "m"), "calf": ("Wade", "f"), "thigh": ("Oberschenkel", "m"),
}  # fmt: skip
TABLE = Words(
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
    sides=with_hand_switch(
        gendered(
            NOUNS,
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

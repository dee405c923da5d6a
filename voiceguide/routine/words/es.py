"""The words voiceguide adds in Spanish."""

from __future__ import annotations

from voiceguide.routine.wordmodel import Words
from voiceguide.routine.words.forms import gendered, with_hand_switch

NOUNS = {
    "hand": ("mano", "f"), "foot": ("pie", "m"), "arm": ("brazo", "m"), "leg": ("pierna", "f"),
    "shoulder": ("hombro", "m"), "knee": ("rodilla", "f"), "elbow": ("codo", "m"),
    "wrist": ("muñeca", "f"), "ankle": ("tobillo", "m"), "hip": ("cadera", "f"),
    "side": ("lado", "m"), "ear": ("oreja", "f"), "eye": ("ojo", "m"), "thumb": ("pulgar", "m"),
    "forearm": ("antebrazo", "m"), "calf": ("pantorrilla", "f"), "thigh": ("muslo", "m"),
}  # fmt: skip
TABLE = Words(
    language="es",
    lines=(
        ("breathe_in", "Inhala."),
        ("hold", "Sostén el aire."),
        ("breathe_out", "Y exhala."),
        ("switch", "Ahora cambia de lado, y dale el mismo cuidado a tu {left_title}."),
        ("switch_partner", "Ahora pasa al lado izquierdo de tu pareja."),
    ),
    sides=with_hand_switch(
        gendered(
            NOUNS,
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

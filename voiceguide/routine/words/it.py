"""The words voiceguide adds in Italian."""

from __future__ import annotations

from voiceguide.routine.wordmodel import Words
from voiceguide.routine.words.forms import gendered, with_hand_switch

NOUNS = {
    "hand": ("mano", "f"), "foot": ("piede", "m"), "arm": ("braccio", "m"), "leg": ("gamba", "f"),
    "shoulder": ("spalla", "f"), "knee": ("ginocchio", "m"), "elbow": ("gomito", "m"),
    "wrist": ("polso", "m"), "ankle": ("caviglia", "f"), "hip": ("anca", "f"),
    "side": ("lato", "m"), "ear": ("orecchio", "m"), "eye": ("occhio", "m"), "thumb": ("pollice", "m"),
    "forearm": ("avambraccio", "m"), "calf": ("polpaccio", "m"), "thigh": ("coscia", "f"),
}  # fmt: skip
TABLE = Words(
    language="it",
    lines=(
        ("breathe_in", "Inspira."),
        ("hold", "Trattieni il respiro."),
        ("breathe_out", "Ed espira."),
        ("switch", "Ora cambia lato, e dedica la stessa cura al lato sinistro."),
        ("switch_partner", "Ora passa al lato sinistro del tuo partner."),
    ),
    sides=with_hand_switch(
        gendered(NOUNS, {"f": ("destra", "sinistra"), "m": ("destro", "sinistro")}, "{noun} {adj}"),
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

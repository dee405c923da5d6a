"""The words voiceguide adds in French."""

from __future__ import annotations

from voiceguide.routine.wordmodel import Words
from voiceguide.routine.words.forms import gendered, with_hand_switch

NOUNS = {
    "hand": ("main", "f"), "foot": ("pied", "m"), "arm": ("bras", "m"), "leg": ("jambe", "f"),
    "shoulder": ("épaule", "f"), "knee": ("genou", "m"), "elbow": ("coude", "m"),
    "wrist": ("poignet", "m"), "ankle": ("cheville", "f"), "hip": ("hanche", "f"),
    "side": ("côté", "m"), "ear": ("oreille", "f"), "eye": ("œil", "m"), "thumb": ("pouce", "m"),
    "forearm": ("avant-bras", "m"), "calf": ("mollet", "m"), "thigh": ("cuisse", "f"),
}  # fmt: skip
TABLE = Words(
    language="fr",
    lines=(
        ("breathe_in", "Inspirez."),
        ("hold", "Retenez."),
        ("breathe_out", "Et expirez."),
        ("switch", "Changez maintenant de côté, et accordez le même soin à votre {left_title}."),
        ("switch_partner", "Passez maintenant au côté gauche de votre partenaire."),
    ),
    sides=with_hand_switch(
        gendered(NOUNS, {"f": ("droite", "gauche"), "m": ("droit", "gauche")}, "{noun} {adj}"),
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

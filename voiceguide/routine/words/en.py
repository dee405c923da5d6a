"""The words voiceguide adds in English."""

from __future__ import annotations

from voiceguide.routine.wordmodel import EN_SCRIPT, SideWords, Words

TABLE = Words(
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

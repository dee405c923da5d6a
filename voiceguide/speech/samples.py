"""A few lines in each language the neural voices speak: the first is what ``voiceguide voices
--sample`` says; all of them calibrate and check a voice's pace (scripts/calibrate_kokoro.py,
scripts/bench_voices.py)."""

from __future__ import annotations

_ENGLISH = (
    "Rest your hands in your lap, and let your shoulders drop.",
    "Breathe in slowly, and feel the warmth gather in your palms.",
    "With your thumb, press gently into the centre of the other hand.",
    "Now the other hand, just as slowly.",
    "Let your fingers soften, one by one.",
    "Once more, breathe in, and then breathe out for a long time.",
)
SAMPLE_LINES = {
    "en-us": _ENGLISH,
    "en-gb": _ENGLISH,
    "es": (
        "Apoya las manos en el regazo y deja que los hombros bajen.",
        "Respira despacio y siente el calor en las palmas.",
        "Con el pulgar, presiona suavemente el centro de la otra mano.",
        "Ahora la otra mano, con la misma calma.",
        "Deja que los dedos se aflojen, uno a uno.",
        "Una vez más, inspira, y luego suelta el aire muy despacio.",
    ),
    "fr": (
        "Pose tes mains sur tes genoux et laisse tes épaules descendre.",
        "Respire lentement, et sens la chaleur dans tes paumes.",
        "Avec le pouce, presse doucement le creux de l'autre main.",
        "Maintenant l'autre main, tout aussi lentement.",
        "Laisse tes doigts se détendre, un par un.",
        "Encore une fois, inspire, puis expire longuement.",
    ),
    "it": (
        "Appoggia le mani sulle ginocchia e lascia scendere le spalle.",
        "Respira lentamente e senti il calore nei palmi.",
        "Con il pollice, premi piano il centro dell'altra mano.",
        "Ora l'altra mano, con la stessa lentezza.",
        "Lascia che le dita si rilassino, una alla volta.",
        "Ancora una volta, inspira, poi espira a lungo.",
    ),
    "pt-br": (
        "Apoie as mãos no colo e deixe os ombros descerem.",
        "Respire devagar e sinta o calor nas palmas.",
        "Com o polegar, pressione de leve o centro da outra mão.",
        "Agora a outra mão, com a mesma calma.",
        "Deixe os dedos relaxarem, um de cada vez.",
        "Mais uma vez, inspire, e depois solte o ar bem devagar.",
    ),
}


def sample_lines(language: str) -> tuple[str, ...]:
    """The lines for ``language`` (en, en-GB, pt_BR, fr+f3...): the same region, else the same
    language, else English."""
    wanted = language.split("+")[0].replace("_", "-").lower()
    if wanted in SAMPLE_LINES:
        return SAMPLE_LINES[wanted]
    family = wanted.split("-")[0]
    same = [lines for name, lines in SAMPLE_LINES.items() if name.split("-")[0] == family]
    return same[0] if same else _ENGLISH

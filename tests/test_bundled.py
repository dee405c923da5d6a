"""The bundled routines: complete, safe to follow, and the lengths they promise."""

from __future__ import annotations

import pytest

from voiceguide.routine import Audience
from voiceguide.routinefile import bundled_names, load_bundled
from voiceguide.timeline import LEAD_IN_S, LEAD_OUT_S

EXPECTED_MINUTES = {
    "bedtime-hands": 15, "partner-hands": 20, "desk-break": 5,
    "gentle-arthritis": 10, "carpal-tunnel": 10, "acupressure": 8,
    "bedtime-hands-de": 18, "bedtime-hands-es": 19, "bedtime-hands-fr": 17, "bedtime-hands-it": 18,
}  # fmt: skip
SAFETY_WORDS = {  # not medical advice; stop if it hurts; skip swollen areas
    "en": ("medical advice", "hurt", "swollen"),
    "de": ("ärztlichen rat", "wehtut", "geschwollen"),
    "es": ("consejo médico", "duele", "hinchada"),
    "fr": ("avis médical", "mal", "enflée"),
    "it": ("consiglio medico", "male", "gonfie"),
}


def test_the_routines_are_bundled_default_first() -> None:
    assert bundled_names()[0] == "bedtime-hands"
    assert set(bundled_names()) == set(EXPECTED_MINUTES)


@pytest.mark.parametrize("name", sorted(EXPECTED_MINUTES))
def test_lengths_as_promised(name: str) -> None:
    routine = load_bundled(name)
    length_s = LEAD_IN_S + routine.steps_s + LEAD_OUT_S
    assert abs(length_s - EXPECTED_MINUTES[name] * 60) <= 30


@pytest.mark.parametrize("name", sorted(EXPECTED_MINUTES))
def test_opens_with_a_safety_note(name: str) -> None:
    routine = load_bundled(name)
    first = routine.steps[0].text.lower()
    for words in SAFETY_WORDS[routine.language]:
        assert words in first


def test_partner_routine_speaks_to_a_caregiver() -> None:
    routine = load_bundled("partner-hands")
    assert routine.audience is Audience.PARTNER
    assert "partner" in routine.steps[0].text.lower()


# Each routine with each real engine at the default pace: the spot checks run every time (the
# default routine with the default voice, every language with eSpeak NG); the rest is spoken only
# in the sweep (``pytest --sweep``), since the fake engine checks the fit at every pace.
SPOKEN_EVERY_RUN = {("piper", "bedtime-hands")} | {("espeak", name) for name in EXPECTED_MINUTES}


def _spoken_cases() -> list[object]:
    return [
        pytest.param(
            name, engine,
            marks=[pytest.mark.real, pytest.mark.xdist_group(f"{engine}:{name}")]
            + ([] if (engine, name) in SPOKEN_EVERY_RUN else [pytest.mark.sweep]),
        )
        for engine in ("piper", "espeak")
        for name in sorted(EXPECTED_MINUTES)
    ]  # fmt: skip


@pytest.mark.parametrize(("name", "engine"), _spoken_cases())
def test_every_routine_fits_its_steps_when_spoken(name: str, engine: str) -> None:
    """Spoken by each real engine, every line fits in its step (the plan's checks pass)."""
    from voiceguide import api
    from voiceguide.speech.piper_voices import best_for_language, installed_voices

    routine = load_bundled(name)
    if engine == "piper" and best_for_language(installed_voices(), routine.language) is None:
        pytest.skip(f"no Piper voice for '{routine.language}' is installed")
    timeline = api.timeline(routine, api.SessionOptions(engine=engine))
    assert len(timeline.chapters) >= len(routine.steps)


@pytest.mark.parametrize("name", ["bedtime-hands-fr", "bedtime-hands-it"])
def test_the_french_and_italian_routines_validate(name: str) -> None:
    """Their structure, through the CLI (every line spoken and placed: test_words, and the real
    engines above)."""
    from tests.conftest import run_cli

    result = run_cli("validate", "--no-speech", name)
    assert result.exit_code == 0, result
    assert result.stdout.startswith(f"ok: {name} (")

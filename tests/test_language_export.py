"""Real engines: the German and Spanish routines export with the best installed voice for their
language, the French and Italian ones speak in their eSpeak NG voices, a routine of only a title
and two steps exports, and emoji never reach the voice."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import soundfile

from tests.conftest import run_cli
from tests.speechcheck import assert_speech
from voiceguide.routine.words import words_for
from voiceguide.routinefile import load_bundled
from voiceguide.speech import VoiceRequest, get_engine, resolve_voice
from voiceguide.speech.cache import ClipCache
from voiceguide.speech.piper_voices import best_for_language, installed_voices
from voiceguide.speech.voicing import speak_all
from voiceguide.timeline import spoken_lines

pytestmark = pytest.mark.real

PLAIN = "Well done. Smile, and rest your hands here now."
WITH_EMOJI = "Well done ✅. Smile 🙂, and rest your hands 👐🏽 here → now."


@pytest.mark.parametrize("engine_name", ["espeak", "piper"])
def test_a_line_with_emoji_is_as_long_as_the_line_without(engine_name: str, tmp_path: Path) -> None:
    engine = get_engine(engine_name)
    voice = engine.default_voice
    (plain,) = speak_all(engine, voice, [PLAIN], ClipCache(tmp_path / "a")).values()
    (emoji,) = speak_all(engine, voice, [WITH_EMOJI], ClipCache(tmp_path / "b")).values()
    assert emoji.samples.size == plain.samples.size
    if engine_name == "espeak":  # the engine alone reads the symbols' names: the test can fail
        (raw,) = engine.synthesize([WITH_EMOJI], voice)
        assert raw.duration_s > plain.duration_s + 1.0


def test_a_routine_of_a_title_and_two_steps_exports(tmp_path: Path) -> None:
    routine = tmp_path / "minimal.yaml"
    routine.write_text(
        "title: Two steps\nsteps:\n"
        "  - say: Rest your hands in your lap.\n    duration: 10s\n"
        "  - say: Now stretch your fingers wide, and let them go.\n    duration: 12s\n",
        encoding="utf-8",
    )
    out = tmp_path / "minimal.wav"
    result = run_cli("export", str(routine), "--engine", "espeak", "-o", str(out))
    assert result.exit_code == 0, result
    info = soundfile.info(str(out))
    assert info.duration == pytest.approx(3 + 10 + 12 + 6, abs=0.05)
    shown = run_cli("show", str(routine), "--engine", "espeak")
    assert "== Rest your hands in your lap ==" in shown.stdout
    assert "== Now stretch your fingers wide ==" in shown.stdout


@pytest.mark.parametrize(
    ("name", "language"), [("bedtime-hands-de", "de"), ("bedtime-hands-es", "es")]
)
def test_translated_routines_export_with_the_best_voice_for_their_language(
    name: str, language: str, tmp_path: Path
) -> None:
    neural = best_for_language(installed_voices(), language)
    out = tmp_path / f"{name}.wav"
    result = run_cli("-v", "export", name, "-o", str(out))
    assert result.exit_code == 0, result
    if neural is None:  # eSpeak NG with the language's own voice
        assert re.search(rf"engine: espeak .*voice: {language}\+f3", result.stderr), result
    else:
        assert f"voice: {neural.name}" in result.stderr, result
    timeline = run_cli("show", name, "--json")
    assert timeline.exit_code == 0, timeline
    total_s = float(re.search(r'"total_s": ([0-9.]+)', timeline.stdout).group(1))  # type: ignore[union-attr]
    assert soundfile.info(str(out)).duration == pytest.approx(total_s, abs=0.05)
    listed = run_cli("list").stdout
    assert re.search(rf"^{name} .* {language} ", listed, re.MULTILINE), listed


@pytest.mark.parametrize("language", ["fr", "it"])
def test_french_and_italian_routines_speak_in_their_espeak_ng_voice(language: str) -> None:
    """A spot check (a few lines, not the whole export): the routine's opening line, its first
    per-hand line with the generated side word, and a generated breathing cue, spoken at the
    routine's rate by the language's own eSpeak NG voice, sound like speech of their length."""
    routine = load_bundled(f"bedtime-hands-{language}")
    engine = get_engine("espeak")
    request = VoiceRequest(rate_wpm=routine.voice.rate_wpm)
    voice = resolve_voice(engine, request, routine.language)
    assert voice.name == f"{language}+f3"
    words = words_for(language)
    lines = [line.text for line in spoken_lines(routine)]
    side = words.side("hand")
    assert side is not None
    texts = [
        lines[0],
        next(
            text for text in lines if f"main {side.right}" in text or f"mano {side.right}" in text
        ),
        words.breath("inhale") or "",
    ]
    for text, clip in zip(texts, engine.synthesize(texts, voice), strict=True):
        assert_speech(clip, text, voice.rate_wpm)

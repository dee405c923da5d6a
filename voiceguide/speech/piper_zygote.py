"""Piper zygote: loads one voice model once, then forks a fresh child to speak each clip.

Run as a script: ``python piper_zygote.py MODEL CONFIG JOBS``. It imports Piper, never voiceguide.

Why fork: a Piper (VITS) model draws random noise inside the ONNX graph, from generators that
onnxruntime seeds once, when the model is loaded, and that advance with every sentence spoken;
``onnxruntime.set_seed`` later has no effect on them. The zygote seeds onnxruntime, loads the model
and never speaks itself, so every forked child starts from the same generator state: each clip is a
pure function of its text and pace. Children run onnxruntime on one thread each (no thread pool to
lose in the fork), and ``JOBS`` of them run at once, one per core.

The :mod:`.protocol`: the hello offers ``"sample_rate", "piper_version"``; each request ``{"id",
"text", "length_scale", "sentence_gap_s", "path"}`` is answered by its status: ``OK`` when the
clip's float32 samples are in ``path`` (sentence by sentence, ``sentence_gap_s`` of silence
between), ``FAILED`` when synthesis failed.
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"  # before numpy loads: no BLAS threads in a process that forks

import json  # noqa: E402
import sys  # noqa: E402
from importlib import metadata  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

if __package__:
    from voiceguide.speech import forking, protocol
else:  # run as a script by path (the usual way): this folder is first on sys.path
    import forking  # type: ignore[import-not-found,no-redef]
    import protocol  # type: ignore[import-not-found,no-redef]

SEED = 1
# What one synthesis call may get: 300 phonemes at the model's own pace (about 15 s of speech),
# fewer when spoken slower. The network's memory grows with the speech it makes (about 1 MB a
# phoneme, and more over later calls): a 5,000-character sentence whole once took a process to
# 12 GB; in pieces it stays under 1 GB. The bundled routines' longest sentence has 183.
MAX_PHONEMES = 300
SPLIT_AFTER = ",;:.!?—–"  # where a long sentence is split first; then between words


class Model:
    def __init__(self, model_path: str, config_path: str) -> None:
        import numpy as np
        import onnxruntime
        from piper import PiperVoice, SynthesisConfig
        from piper.config import PiperConfig

        onnxruntime.set_seed(SEED)  # read when the model's random nodes are created, below
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        # no arena or memory patterns kept between calls of different lengths: memory is given
        # back after each piece instead of growing (the same numbers come out)
        options.enable_cpu_mem_arena = False
        options.enable_mem_pattern = False
        config = PiperConfig.from_dict(json.loads(Path(config_path).read_text(encoding="utf-8")))
        session = onnxruntime.InferenceSession(
            model_path, sess_options=options, providers=["CPUExecutionProvider"]
        )
        self.voice = PiperVoice(config=config, session=session)
        self.sample_rate = int(config.sample_rate)
        self.np = np
        self.config_type = SynthesisConfig

    def speak(self, request: dict[str, Any]) -> int:
        """In a forked child: speak one clip into ``request['path']``; return the status."""
        np = self.np
        settings = self.config_type(
            length_scale=float(request["length_scale"]),
            normalize_audio=False,  # one level for the whole clip: the leveler sets it
        )
        gap = np.zeros(round(float(request["sentence_gap_s"]) * self.sample_rate), np.float32)
        most = max(50, int(MAX_PHONEMES / max(1.0, float(request["length_scale"]))))
        parts: list[Any] = []
        for sentence in self.voice.phonemize(request["text"]):
            if not sentence:
                continue
            if parts:
                parts.append(gap)
            for piece in bounded(sentence, most):
                # as PiperVoice.synthesize does it, one bounded piece at a time
                audio = self.voice.phoneme_ids_to_audio(self.voice.phonemes_to_ids(piece), settings)
                parts.append(np.clip(audio, -1.0, 1.0).astype(np.float32))
        samples = np.concatenate(parts) if parts else np.zeros(0, np.float32)
        Path(request["path"]).write_bytes(samples.astype("<f4").tobytes())
        return protocol.OK


def bounded(phonemes: list[str], most: int) -> list[list[str]]:
    """``phonemes`` in pieces of at most ``most``: split after the last punctuation in the second
    half of the allowed length, else at the last word boundary, else at the length itself."""
    pieces = []
    rest = phonemes
    while len(rest) > most:
        window = rest[: most + 1]
        cut = next(
            (i + 1 for i in range(most - 1, most // 2, -1) if window[i] in SPLIT_AFTER), None
        ) or next((i for i in range(most, most // 2, -1) if window[i] == " "), most)
        pieces.append(rest[:cut])
        rest = rest[cut:]
        while rest and rest[0] == " ":
            rest = rest[1:]
    if rest:
        pieces.append(rest)
    return pieces


def main() -> None:
    model_path, config_path, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3])

    def load() -> tuple[dict[str, Any], forking.Speak]:
        model = Model(model_path, config_path)
        offers = {"sample_rate": model.sample_rate, "piper_version": metadata.version("piper-tts")}
        return offers, model.speak

    forking.start(load, jobs)


if __name__ == "__main__":
    main()

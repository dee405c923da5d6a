"""Piper's memory stays bounded whatever the text: a 4,995-character sentence is split before it
reaches the network (it once took a helper process to 10-12 GB). The split is checked every run
(cheap); the memory itself, measured while Piper speaks the sentence, is a measurement: it runs in
the sweep (``pytest --sweep``) and in ``scripts/bench_voices.py memory``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.proctree import watch
from voiceguide.speech import piper_engine

NEURAL = pytest.mark.skipif(
    not piper_engine.available(), reason="the neural extra is not installed"
)

LIMIT_BYTES = 1_000_000_000  # in every process
TREE_LIMIT_BYTES = 3_000_000_000  # the test stops the whole tree here (it once needed 12 GB)


def long_sentence(characters: int = 4995) -> str:
    """Words running on with full stops but no capitals after them (Piper then sees one sentence)."""
    words = ["rest", "your", "hands", "and", "breathe", "out", "slowly.", "soften", "the", "palm."]
    text = ""
    index = 0
    while len(text) < characters:
        text += ("" if not text else " ") + words[index % len(words)]
        index += 1
    return text[:characters].rstrip()


def long_routine(folder: Path) -> Path:
    path = folder / "long.yaml"
    text = long_sentence()
    path.write_text(
        "title: Long\ndescription: One long sentence.\naudience: self\nlanguage: en\n"
        f"steps:\n  - id: long\n    title: Long\n    duration: 20m\n    say: {text}\n",
        encoding="utf-8",
    )
    return path


def test_any_text_reaches_the_network_in_bounded_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Piper's phonemes of the long sentence (one per character stands in for them: the split
    looks only at punctuation and spaces) go in pieces no longer than the bound, every one kept."""
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.setenv(variable, "1")  # the helper's module sets them: undone after the test
    from voiceguide.speech import piper_zygote

    phonemes = list(long_sentence())
    for length_scale in (0.8, 1.0, 1.6):
        most = max(50, int(piper_zygote.MAX_PHONEMES / max(1.0, length_scale)))
        pieces = piper_zygote.bounded(phonemes, most)
        assert max(map(len, pieces)) <= most
        assert " ".join("".join(piece) for piece in pieces) == "".join(phonemes)
        assert all(piece[-1] in piper_zygote.SPLIT_AFTER for piece in pieces[:-1])


@pytest.mark.real
@pytest.mark.sweep
@NEURAL
def test_a_4995_character_sentence_stays_under_1_gb_in_every_process(tmp_path: Path) -> None:
    routine = long_routine(tmp_path)
    env = {**os.environ, "VOICEGUIDE_CACHE_DIR": str(tmp_path / "cache")}
    errors = tmp_path / "stderr.txt"
    with errors.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "voiceguide", "show", str(routine), "--engine", "piper"],
            env=env, stdout=subprocess.DEVNULL, stderr=stderr,
        )  # fmt: skip
        peak = watch(process, TREE_LIMIT_BYTES, LIMIT_BYTES)
    assert not peak.stopped, f"stopped at {peak}"
    assert process.returncode == 0, errors.read_text()
    assert peak.process_bytes < LIMIT_BYTES

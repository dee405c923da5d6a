"""Hostile input and hostile surroundings (issue 16): each test failed on the code before its fix."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.conftest import run_cli

ROUTINE = """\
title: Paths
description: Reads files.
audience: self
language: en
steps:
  - id: one
    title: One
    duration: 5s
    say: Rest.
"""


def _bed(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    noise = np.random.default_rng(3).standard_normal((3 * 22050, 2)) * 0.1
    soundfile.write(path, noise.astype(np.float32), 22050)
    return path


@pytest.mark.parametrize(
    "extra",
    [
        "soundscape: {name: ../secret.wav}\n",
        "soundscape: {name: sub/../../secret.wav}\n",
        "soundscape: {name: ../../../../../../../../etc/passwd}\n",
        "recordings: ../recs\n",
        "soundscape: {name: link/secret.wav}\n",
    ],
)
def test_relative_paths_do_not_escape_the_routine_folder(tmp_path: Path, extra: str) -> None:
    _bed(tmp_path / "secret.wav")
    (tmp_path / "recs").mkdir()
    folder = tmp_path / "routines"
    folder.mkdir()
    (folder / "link").symlink_to(tmp_path)
    routine = folder / "r.yaml"
    routine.write_text(ROUTINE + extra)
    result = run_cli("validate", str(routine))
    assert result.exit_code == 2, result
    assert f"{routine}:" in result.stderr
    assert "routine's folder" in result.stderr, result


def test_relative_paths_inside_and_absolute_paths_stay_allowed(tmp_path: Path) -> None:
    _bed(tmp_path / "routines" / "sounds" / "bed.wav")
    outside = _bed(tmp_path / "elsewhere" / "bed.wav")
    for name in ("sounds/bed.wav", "./sounds/../sounds/bed.wav", str(outside)):
        routine = tmp_path / "routines" / "r.yaml"
        routine.write_text(ROUTINE + f"soundscape: {{name: {json.dumps(name)}}}\n")
        result = run_cli("validate", str(routine))
        assert result.exit_code == 0, result


GOOD_CONFIG = {
    "audio": {"sample_rate": 22050, "quality": "medium"},
    "language": {"code": "en_US"},
    "inference": {"noise_scale": 0.667, "length_scale": 1, "noise_w": 0.8},
    "num_speakers": 1,
}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("audio.sample_rate", 1e9),
        ("audio.sample_rate", 1),
        ("audio.sample_rate", 0),
        ("audio.sample_rate", "22050"),
        ("audio.sample_rate", True),
        ("inference.length_scale", 0),
        ("inference.length_scale", 1e300),
        ("inference.noise_scale", -1),
        ("language.code", "en\u001b[2J"),
        ("num_speakers", 0),
    ],
)
def test_a_voice_config_is_checked_field_by_field(
    tmp_path: Path, field: str, value: object
) -> None:
    from voiceguide.errors import OptionError
    from voiceguide.speech.piper_voices import voice_from_file

    model = tmp_path / "bad-voice.onnx"
    model.write_bytes(b"not read before the config is checked")
    config = json.loads(json.dumps(GOOD_CONFIG))
    section, _, name = field.rpartition(".")
    (config[section] if section else config)[name] = value
    Path(f"{model}.json").write_text(json.dumps(config))
    with pytest.raises(OptionError) as raised:
        voice_from_file(model)
    message = str(raised.value)
    assert message.startswith(f"{model}.json: ") and field in message and "\n" not in message
    assert "\x1b" not in message


def test_a_good_voice_config_is_read(tmp_path: Path) -> None:
    from voiceguide.speech.piper_voices import voice_from_file

    model = tmp_path / "good-voice.onnx"
    model.write_bytes(b"model")
    Path(f"{model}.json").write_text(json.dumps(GOOD_CONFIG))
    voice = voice_from_file(model)
    assert (voice.sample_rate_hz, voice.language, voice.length_scale) == (22050, "en-us", 1.0)

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

"""The code stays ruff- and mypy-clean, and the installed package carries its own data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
        ["mypy"],
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_tool_is_clean(command: list[str]) -> None:
    module = "ruff" if command[0] == "ruff" else "mypy"
    done = subprocess.run(
        [sys.executable, "-m", module, *command[1:]], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.real  # exports with the default (Piper) voice
def test_installed_command_finds_its_routines_from_any_folder(tmp_path: Path) -> None:
    """Run the installed console script away from the source tree: routines ship inside the package."""
    script = Path(sys.executable).parent / "voiceguide"
    assert script.exists(), "install voiceguide (scripts/setup.sh --test) before running the tests"
    done = subprocess.run([str(script), "list"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 10
    beds = subprocess.run(
        [str(script), "soundscapes"], cwd=tmp_path, capture_output=True, text=True
    )
    assert beds.returncode == 0, beds.stderr
    assert len(beds.stdout.splitlines()) == 6
    # the whole job from the installed package: routine, voice, soundscape file, cues, loudness, MP3
    out = tmp_path / "desk.mp3"
    export = subprocess.run(
        [str(script), "export", "desk-break", "--minutes", "4", "-o", str(out)], cwd=tmp_path, capture_output=True,
        text=True,
    )  # fmt: skip
    assert export.returncode == 0, export.stderr
    assert out.stat().st_size > 100_000

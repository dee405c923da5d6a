"""``validate`` says everything in one run: structural and timing mistakes together (timing checked
on the steps that are right), and ``--no-speech`` still checks what needs no speech."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FAKE, run_cli, said

# Four mistakes: two in the structure (a duration that is no duration, each_hand not a boolean),
# one timing mistake no voice can change (a 40 s pause in a 30 s step) and one that only the
# voice's clip lengths reveal (the spoken cue 'breathe in' in a 0.5 s phase).
FOUR_MISTAKES = """\
title: Four mistakes
breathing_patterns:
  quick: {in: 0.5s, out: 4s}
steps:
  - id: settle
    say: Settle in. [pause 40s] Good.
    duration: 30s
  - id: hands
    say: Rub your hands.
    duration: 20 seconds please
  - id: wrists
    say: Turn your wrists.
    duration: 30s
    each_hand: maybe
  - id: breathe
    say: Breathe with me.
    duration: 40s
    breathe: {pattern: quick, cycles: 2}
  - id: rest
    say: Rest now.
    duration: 20s
"""

STRUCTURE = [
    "10: steps[1].duration: expected a duration like '90s', '1m30s' or '2 min', got '20 seconds please'",
    "14: steps[2].each_hand: expected true or false, got 'maybe'",
]
PAUSE = "7: steps[0].duration: its pauses take 40.0 s before any word is spoken, but the step lasts 30 s"
SPOKEN = "17: steps[3].breathe.pattern: the spoken cue 'Breathe in.' takes"


@pytest.fixture
def routine(tmp_path: Path) -> Path:
    path = tmp_path / "four.yaml"
    path.write_text(FOUR_MISTAKES, encoding="utf-8")
    return path


def _errors(stderr: str, path: Path) -> list[str]:
    prefix = f"error: {path}:"
    lines = said(stderr).strip().splitlines()
    assert all(line.startswith(prefix) for line in lines), stderr
    return [line.removeprefix(prefix) for line in lines]


def _check_four(stderr: str, path: Path) -> None:
    errors = _errors(stderr, path)
    assert len(errors) == 4, stderr
    assert errors[0] == PAUSE
    assert errors[1:3] == STRUCTURE
    assert errors[3].startswith(SPOKEN), stderr
    assert errors[3].endswith("longer than the 0.5 s inhale"), stderr


def test_one_run_reports_structure_and_timing(routine: Path) -> None:
    result = run_cli("validate", "--engine", FAKE, str(routine))
    assert result.exit_code == 2, result
    assert result.stdout == ""
    _check_four(result.stderr, routine)


@pytest.mark.real
def test_one_run_with_espeak(routine: Path) -> None:
    result = run_cli("validate", "--engine", "espeak", str(routine))
    assert result.exit_code == 2, result
    _check_four(result.stderr, routine)


def test_no_speech_still_checks_fixed_time(routine: Path) -> None:
    result = run_cli("validate", "--no-speech", str(routine))
    assert result.exit_code == 2, result
    assert _errors(result.stderr, routine) == [PAUSE, *STRUCTURE]


def test_no_speech_pause_longer_than_the_step(tmp_path: Path) -> None:
    path = tmp_path / "pause.yaml"
    path.write_text(
        "title: T\nsteps:\n  - say: Rest. [pause 40s] Good.\n    duration: 30s\n"
        "  - say: Hold still.\n    duration: 10s\n    hold: 12s\n",
        encoding="utf-8",
    )
    result = run_cli("validate", "--no-speech", str(path))
    assert result.exit_code == 2, result
    assert _errors(result.stderr, path) == [
        "4: steps[0].duration: its pauses take 40.0 s before any word is spoken, but the step lasts 30 s",
        "6: steps[1].duration: its hold and pauses take 12.0 s before any word is spoken, but the step lasts 10 s",
    ]


def test_a_right_file_is_ok(tmp_path: Path) -> None:
    path = tmp_path / "fine.yaml"
    path.write_text("title: Fine\nsteps:\n  - say: Rest. [pause 10s] Good.\n    duration: 30s\n")
    for extra in ((), ("--no-speech",)):
        result = run_cli("validate", "--engine", FAKE, *extra, str(path))
        assert result.exit_code == 0, result
        assert result.stdout.strip() == f"ok: {path} (Fine, 1 steps)"

"""Recordings are reported: which lines use one, which files match no line, which are stale; a
silent recording is a located error. The session walk gives the names the player looks for."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.conftest import DATA, run_cli
from voiceguide.api import load
from voiceguide.recordings.lines import routine_lines
from voiceguide.recordings.lookup import match_recordings
from voiceguide.recordings.manifest import MANIFEST_NAME, Take, read_manifest, write_manifest

MINIMAL = DATA / "good" / "minimal.yaml"


def _tone(path: Path, seconds: float = 1.0, hz: float = 330.0) -> None:
    t = np.arange(round(seconds * 48000)) / 48000
    soundfile.write(path, 0.3 * np.sin(2 * np.pi * hz * t) * np.hanning(len(t)) ** 0.1, 48000)


def test_the_walk_names_every_line_in_session_order() -> None:
    lines = routine_lines(load(str(MINIMAL)))
    assert [(line.name, line.text) for line in lines] == [
        ("start", "Rest your hands. Breathe out."),
        ("circles-right", "Circle your right palm with your left thumb."),
        ("circles-prompt1", "Slower."),
        ("circles-switch", "Now switch hands, and give the same care to your left hand."),
        ("circles-left", "Circle your left palm with your right thumb."),
    ]
    assert lines[0].shown == "Rest your hands. [pause 1s] Breathe out."
    assert lines[0].pauses_s == (1.0,)


def test_every_bundled_line_name_is_one_the_player_uses() -> None:
    """Each name the walk gives, recorded, replaces exactly its own line in the timeline."""
    routine = load("partner-hands")
    names = [line.name for line in routine_lines(routine)]
    assert len(names) == len(set(names))
    assert any(name.endswith("-switch") for name in names)
    assert any("-prompt" in name for name in names)


@pytest.mark.real
def test_a_silent_recording_is_a_located_error(tmp_path: Path) -> None:
    """Issue 16 item 4: it crashed with 'internal error: KeyError: Line(...)'."""
    folder = tmp_path / "voice"
    folder.mkdir()
    soundfile.write(folder / "start.wav", np.zeros(2 * 48000, dtype=np.float32), 48000)
    result = run_cli("show", str(MINIMAL), "--recordings", str(folder), "--engine", "espeak")
    assert result.exit_code == 2, result
    assert "internal error" not in result.stderr
    (line,) = result.said.strip().splitlines()
    assert line.startswith(f"error: {folder / 'start.wav'}: no sound in this recording"), line
    assert "minimal.yaml:12" in line and "Rest your hands" in line, line


@pytest.mark.real
def test_verbose_names_the_recorded_lines_and_the_files_that_match_none(tmp_path: Path) -> None:
    folder = tmp_path / "voice"
    folder.mkdir()
    _tone(folder / "start.wav", 2.0)
    _tone(folder / "circles-promt1.wav")  # misspelt
    _tone(folder / "notes.flac")
    result = run_cli("-v", "show", str(MINIMAL), "--recordings", str(folder), "--engine", "espeak")
    assert result.exit_code == 0, result
    assert "recording: start <- start.wav" in result.stderr
    assert (
        "unused recording: circles-promt1.wav matches no line (did you mean circles-prompt1?)"
        in result.stderr
    )
    assert "unused recording: notes.flac matches no line\n" in result.stderr


@pytest.mark.real
def test_a_stale_take_is_named_and_spoken_by_the_voice(tmp_path: Path) -> None:
    routine = tmp_path / "mine.yaml"
    routine.write_text(MINIMAL.read_text())
    folder = tmp_path / "voice"
    folder.mkdir()
    _tone(folder / "start.flac", 2.0)
    write_manifest(folder, {"start": Take("start", "start.flac", "Rest your hands. Breathe out.")})
    assert read_manifest(folder)["start"].file == "start.flac"
    fresh = run_cli("show", str(routine), "--recordings", str(folder), "--json")
    assert fresh.exit_code == 0, fresh
    first = json.loads(fresh.stdout)["events"][0]
    assert abs(first["duration_s"] - 2.0) < 0.1  # the take is used

    routine.write_text(MINIMAL.read_text().replace("Breathe out.", "Breathe out slowly."))
    checked = run_cli("validate", str(routine), "--recordings", str(folder), "--engine", "espeak")
    assert checked.exit_code == 0, checked
    assert "stale recording: start.flac says 'Rest your hands. Breathe out.'" in checked.stderr
    assert "--line start" in checked.stderr
    shown = run_cli(
        "-v", "show", str(routine), "--recordings", str(folder), "--engine", "espeak", "--json"
    )
    assert "stale recording: start.flac" in shown.stderr
    first = json.loads(shown.stdout)["events"][0]
    assert first["text"] == "Rest your hands."  # spoken by the voice again, pause and all


def test_a_broken_manifest_is_one_line(tmp_path: Path) -> None:
    (tmp_path / MANIFEST_NAME).write_text('{"takes": {"start": {"file": "../x.wav", "text": 1}}}')
    result = run_cli("show", str(MINIMAL), "--recordings", str(tmp_path))
    assert result.exit_code == 2, result
    assert "expected a recordings manifest written by 'voiceguide record'" in result.stderr


def test_one_hands_own_take_of_shared_words_is_used(tmp_path: Path) -> None:
    """Words that do not name the hand are one line (STEP), but STEP-left.wav still plays for the
    left hand's round, as it always has."""
    routine = tmp_path / "same.yaml"
    routine.write_text(
        "title: T\ndescription: D\naudience: self\nlanguage: en\nsteps:\n"
        "  - {id: rub, title: Rub, duration: 20s, each_hand: true, say: Rub gently.}\n"
    )
    lines = routine_lines(load(str(routine)))
    assert [line.name for line in lines] == ["rub", "rub-switch"]
    found = match_recordings(lines, ["rub-left.wav", "rub.flac", "rub-lef.wav"], {})
    assert found.used == (("rub", "rub.flac"), ("rub-left", "rub-left.wav"))
    assert [extra.file for extra in found.unmatched] == ["rub-lef.wav"]


def test_an_unknown_line_is_bad_input_with_a_suggestion(tmp_path: Path) -> None:
    result = run_cli("record", str(MINIMAL), "--into", str(tmp_path), "--line", "circles-rigth")
    assert result.exit_code == 2, result
    assert result.stderr == (
        "error: --line: no line or step called 'circles-rigth' (did you mean circles-right?)\n"
    )


def test_the_default_folder_is_never_an_absolute_one_from_the_routine(tmp_path: Path) -> None:
    from voiceguide.record.recorder import default_folder

    routine = tmp_path / "mine.yaml"
    text = MINIMAL.read_text()
    routine.write_text(text.replace("steps:", "recordings: my-voice\nsteps:", 1))
    assert default_folder(load(str(routine))) == tmp_path / "my-voice"
    routine.write_text(text.replace("steps:", "recordings: /etc\nsteps:", 1))
    assert default_folder(load(str(routine))) == Path("mine-voice")


def test_a_take_far_too_short_for_its_words_is_named_and_not_used(tmp_path: Path) -> None:
    """Issue 25: a take that ended at the line's first written pause lost the words after it."""
    folder = tmp_path / "voice"
    folder.mkdir()
    _tone(folder / "start.flac", 0.8)  # five words: a take under 1.2 s cannot hold them
    _tone(folder / "circles-prompt1.flac", 0.5)  # one word: 0.24 s will do
    write_manifest(folder, {"start": Take("start", "start.flac", "Rest your hands. Breathe out.")})
    checked = run_cli("validate", str(MINIMAL), "--recordings", str(folder), "--no-speech")
    assert checked.exit_code == 0, checked
    assert (
        "warning: short recording: start.flac is far too short for its 5 words (0.8 s, at least "
        "1.2 s): words were lost: the voice speaks the line until it is recorded again "
        "(voiceguide record ROUTINE --line start)"
    ) in checked.stderr
    assert "circles-prompt1" not in checked.stderr
    shown = run_cli("show", str(MINIMAL), "--recordings", str(folder), "--engine", "fake", "--json")
    assert shown.exit_code == 0, shown
    events = json.loads(shown.stdout)["events"]
    assert [event["text"] for event in events[:2]] == ["Rest your hands.", "Breathe out."]
    prompts = [event for event in events if event["kind"] == "prompt"]
    assert all(abs(event["duration_s"] - 0.5) < 0.05 for event in prompts)  # its take is used

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import soundfile

from tests.conftest import DATA, FAKE, run_cli
from tests.speechcheck import assert_speech
from voiceguide import __version__
from voiceguide.routinefile import bundled_names
from voiceguide.speech.base import Clip
from voiceguide.speech.samples import sample_lines


def test_version_and_help() -> None:
    assert run_cli("--version").stdout.strip() == f"voiceguide, version {__version__}"
    result = run_cli("--help")
    assert result.exit_code == 0
    for command in ("export", "show", "list", "validate", "voices"):
        assert command in result.stdout


def test_help_imports_click_and_the_cli_only() -> None:
    """``voiceguide --help`` loads click, the CLI and the vocabulary its options are built from:
    nothing from outside the standard library but click, not the api, not PyYAML, no audio, not
    even the routine model (``scripts/bench_help.py`` times it)."""
    code = (
        "import sys\n"
        "from voiceguide.cli import main\n"
        "outside = {m.split('.')[0] for m in sys.modules} - set(sys.stdlib_module_names)\n"
        "print(' '.join(sorted(outside - {'voiceguide', 'click', '__main__', '_distutils_hack'})))\n"
        "print(' '.join(m for m in ('voiceguide.api', 'voiceguide.preparing', 'voiceguide.routine.model')"
        " if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.split("\n")[:2] == ["", ""], loaded.stdout


def test_list_shows_every_bundled_routine() -> None:
    result = run_cli("list")
    assert result.exit_code == 0, result
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(bundled_names())
    name, length, audience = lines[0].split()[:3]
    assert (name, audience) == ("bedtime-hands", "self")
    assert "14:30" <= length <= "15:30"
    assert any(line.split()[2] == "partner" for line in lines)


def test_list_json() -> None:
    rows = json.loads(run_cli("list", "--json").stdout)
    assert {row["name"] for row in rows} == set(bundled_names())
    assert {"name", "title", "audience", "steps", "length_s", "description"} <= set(rows[0])


def test_usage_errors_exit_2() -> None:
    assert run_cli("export", "--minutes", "0").exit_code == 2
    assert run_cli("export", "--rate", "5000").exit_code == 2
    assert run_cli("nonsense").exit_code == 2
    wrong = run_cli("export", "desk-break", "-o", "out.aiff")
    assert wrong.exit_code == 2
    expected = ".wav, .flac, .mp3, .ogg, .oga, .opus, .m4a, .m4b"
    assert (
        wrong.stderr.strip()
        == f"error: cannot export 'out.aiff': expected a file name ending in {expected}"
    )


def test_show_prints_the_timed_script() -> None:
    result = run_cli("show", "desk-break", "--engine", FAKE)
    assert result.exit_code == 0, result
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Desk break  (5:")
    assert lines[2].startswith("00:03.0  == ")
    assert "skip" in lines[3] and "hurts" in lines[3]  # the safety note comes first
    data = json.loads(run_cli("show", "desk-break", "--engine", FAKE, "--json").stdout)
    assert len(data["chapters"]) == sum(1 for line in lines if " == " in line)


@pytest.mark.real
def test_validate_good_and_bad_together() -> None:
    good = DATA / "good" / "minimal.yaml"
    bad = DATA / "bad" / "bad-duration.yaml"
    result = run_cli("validate", str(good), str(bad))
    assert result.exit_code == 2, result
    assert result.stdout.strip() == f"ok: {good} (Test hands, 2 steps)"
    assert result.stderr.count("error: ") == 1


@pytest.mark.real
def test_voices_lists_engine_voices() -> None:
    result = run_cli("voices")
    assert result.exit_code == 0, result
    assert any(line.split()[:2] == ["espeak", "en-us"] for line in result.stdout.splitlines())
    rows = json.loads(run_cli("voices", "--engine", "pyttsx3", "--json").stdout)
    assert rows and rows[0]["engine"] == "pyttsx3"


@pytest.mark.real
def test_verbose_says_which_engine_and_why() -> None:
    result = run_cli("--verbose", "show", "desk-break", "--voice", "en", "--rate", "160")
    assert result.exit_code == 0, result
    assert "engine: espeak ('en' is not a neural voice); voice: en" in result.stderr


@pytest.mark.real
def test_unknown_voice_is_bad_input() -> None:
    result = run_cli("show", "desk-break", "--voice", "xx-nope")
    assert result.exit_code == 2, result
    assert (
        result.stderr.strip()
        == "error: eSpeak NG has no voice 'xx-nope'; 'voiceguide voices' lists them"
    )


def test_a_voice_sample_is_written_not_over_a_file_and_played(tmp_path: Path) -> None:
    """``voices --sample NAME`` on the fake engine: what is the same for every engine (Kokoro's
    own: tests/test_speech_kokoro.py)."""
    out = tmp_path / "sample.wav"
    result = run_cli(
        "voices", "--sample", "fake", "--engine", "fake", "--rate", "200", "-o", str(out)
    )
    assert result.exit_code == 0, result
    assert "fake voice fake" in result.stderr
    samples, rate = soundfile.read(out, dtype="float32")
    assert rate == 44100
    assert_speech(Clip(samples, rate), sample_lines("en")[0], 200)
    made = out.read_bytes()
    again = run_cli(
        "voices", "--sample", "fake", "--engine", "fake", "--rate", "200", "-o", str(out)
    )
    assert again.exit_code == 2 and "already exists (use --force" in again.stderr
    assert out.read_bytes() == made
    forced = ("voices", "--sample", "fake", "--engine", "fake", "--rate", "200", "-o", str(out))
    assert run_cli(*forced, "--force").exit_code == 0
    assert out.read_bytes() == made  # the same line, the same bytes
    unknown = run_cli(
        "voices", "--sample", "xx_nobody", "--engine", "fake", "-o", str(tmp_path / "x.wav")
    )
    assert unknown.exit_code == 2 and "has no voice 'xx_nobody'" in unknown.stderr, unknown
    wrong = run_cli(
        "voices", "--sample", "fake", "--engine", "fake", "-o", str(tmp_path / "x.aiff")
    )
    assert wrong.exit_code == 2 and "expected a file name ending in .wav" in wrong.stderr
    assert not (tmp_path / "x.wav").exists() and not (tmp_path / "x.aiff").exists()
    played = run_cli(
        "voices", "--sample", "fake", "--engine", "fake", "--rate", "450", "--backend", "null"
    )
    assert played.exit_code == 0, played
    assert played.stderr.startswith("played on none (null backend)")

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import DATA, FAKE, run_cli
from voiceguide import __version__
from voiceguide.routinefile import bundled_names


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

"""The settings file through the command line: ``config set/show/unset``, the order in which a
value is chosen (command line > settings file > routine > default), ``-v`` naming every setting's
origin, and a bad file reported at its lines, every problem at once, exit 2. Fake engine: fast."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from tests.conftest import FAKE, run_cli

ROUTINE = """\
title: Two steps
language: en
voice:
  rate_wpm: 150
chime: bowl
loudness: sleep
steps:
  - say: Rest your hands in your lap.
    duration: 10s
  - say: Now stretch your fingers wide, and let them go.
    duration: 12s
"""


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own (empty) config folder; the settings file's path."""
    folder = tmp_path / "config"
    monkeypatch.setenv("VOICEGUIDE_CONFIG_DIR", str(folder))
    return folder / "settings.toml"


@pytest.fixture
def routine(tmp_path: Path) -> str:
    path = tmp_path / "two.yaml"
    path.write_text(ROUTINE, encoding="utf-8")
    return str(path)


def origins(result_stderr: str) -> dict[str, str]:
    """``-v``'s lines about settings: name -> the rest of the line."""
    lines = [line.strip() for line in result_stderr.splitlines() if line.startswith("  ")]
    return {line.split()[0]: line.split(None, 1)[1] for line in lines}


def speech_s(*args: str) -> float:
    """How long the voice speaks in the session: the rate it speaks at shows here."""
    shown = run_cli("show", *args, "--engine", FAKE, "--json")
    assert shown.exit_code == 0, shown
    return float(json.loads(shown.stdout)["speech_s"])


def test_set_show_and_unset(settings: Path) -> None:
    assert run_cli("config", "set", "rate", "120").exit_code == 0
    assert run_cli("config", "set", "loudness", "sleep").exit_code == 0
    done = run_cli("config", "set", "voice", "it+f3", "--language", "it-IT")
    assert done.exit_code == 0, done
    assert done.stdout.strip() == f"it.voice = it+f3 (in {settings})"
    assert tomllib.loads(settings.read_text(encoding="utf-8")) == {
        "rate": 120, "loudness": "sleep", "it": {"voice": "it+f3"},
    }  # fmt: skip

    shown = run_cli("config", "show")
    assert shown.exit_code == 0, shown
    lines = shown.stdout.splitlines()
    assert lines[0] == f"settings file: {settings}"
    rate_line = next(number for number, line in enumerate(settings.read_text().splitlines(), 1)
                     if line.startswith("rate"))  # fmt: skip
    assert f"rate              120  (line {rate_line})" in lines
    assert any(line.split()[:2] == ["loudness", "sleep"] for line in lines)
    assert any(line.startswith("it.voice") and "for 'it'" in line for line in lines)
    assert any(line.split()[0] == "chime" and "not set" in line for line in lines)

    settings.write_text("# my own note\n" + settings.read_text(), encoding="utf-8")
    assert run_cli("config", "set", "rate", "110").exit_code == 0  # the line changes in place
    assert "# my own note" in settings.read_text()
    assert tomllib.loads(settings.read_text())["rate"] == 110

    gone = run_cli("config", "unset", "loudness")
    assert (gone.exit_code, gone.stdout.strip()) == (0, f"forgot loudness (in {settings})")
    again = run_cli("config", "unset", "loudness")
    assert again.stdout.strip() == f"loudness was not set (in {settings})"
    assert "loudness" not in tomllib.loads(settings.read_text())
    assert run_cli("config", "set", "loudness", "-18").exit_code == 0  # a value, not an option
    assert tomllib.loads(settings.read_text())["loudness"] == -18
    assert run_cli("config", "unset", "voice", "--language", "it").exit_code == 0
    assert "[it]" not in settings.read_text()  # an empty table goes too
    assert not [path for path in settings.parent.iterdir() if path.name != "settings.toml"]


def test_set_checks_the_value_as_the_option_does(settings: Path) -> None:
    bad = run_cli("config", "set", "rate", "500")
    assert bad.exit_code == 2
    assert bad.stderr.strip() == "error: rate: expected a whole number from 80 to 450, got '500'"
    option = run_cli("show", "--rate", "500")  # the same option, the same bounds
    assert option.exit_code == 2 and "80<=x<=450" in option.stderr
    unknown = run_cli("config", "set", "rat", "120")
    assert unknown.exit_code == 2 and "unknown setting (did you mean 'rate'?)" in unknown.stderr
    language = run_cli("config", "set", "rate", "120", "--language", "French")
    assert language.exit_code == 2 and "--language: expected a language code" in language.stderr
    assert not settings.exists()


def test_precedence_and_every_origin_named(settings: Path, routine: str) -> None:
    """Command line > settings file > routine > default, and -v says which for each of the 12."""
    settings.parent.mkdir()
    settings.write_text('rate = 200\nchime = "bell"\nlinger = 0.1\n', encoding="utf-8")
    result = run_cli("-v", "show", routine, "--engine", FAKE, "--loudness", "-18")
    assert result.exit_code == 0, result
    said = origins(result.stderr)
    assert len(said) == 12, result.stderr
    assert said["engine"] == f"{FAKE} (--engine)"
    assert said["loudness"] == "-18 LUFS (--loudness)"
    assert said["rate"] == f"200 wpm (the settings file, {settings}:1)"  # over the routine's 150
    assert said["chime"] == f"bell (the settings file, {settings}:2)"  # over the routine's bowl
    assert said["linger"] == f"6 s (the settings file, {settings}:3)"
    assert said["pitch"] == "the engine's (default)"
    assert said["soundscape"] == "none (default)"
    no_file = run_cli("-v", "show", routine, "--engine", FAKE)
    routine_said = origins(no_file.stderr)
    assert routine_said["loudness"] == f"-20 LUFS (the routine, {routine}:6)"

    # the value is used, not only reported: the file's rate times the session as --rate does
    assert speech_s(routine) == speech_s(routine, "--rate", "200")
    assert speech_s(routine, "--rate", "100") != speech_s(routine)
    settings.unlink()
    assert speech_s(routine) == speech_s(routine, "--rate", "150")
    routine_said = origins(run_cli("-v", "show", routine, "--engine", FAKE).stderr)
    assert routine_said["rate"] == f"150 wpm (the routine, {routine}:4)"
    assert routine_said["chime"] == f"bowl (the routine, {routine}:5)"


def test_a_language_table_applies_to_that_language_only(settings: Path, routine: str) -> None:
    settings.parent.mkdir()
    settings.write_text("rate = 200\n\n[fr]\nrate = 100\n", encoding="utf-8")
    english = origins(run_cli("-v", "show", routine, "--engine", FAKE).stderr)
    assert english["rate"] == f"200 wpm (the settings file, {settings}:1)"
    french = Path(routine).with_name("deux.yaml")
    french.write_text(ROUTINE.replace("language: en", "language: fr-ca"), encoding="utf-8")
    said = origins(run_cli("-v", "show", str(french), "--engine", FAKE).stderr)
    assert said["rate"] == f"100 wpm (the settings file, {settings}:4)"


def test_a_bad_file_names_every_problem_at_its_line(settings: Path, routine: str) -> None:
    settings.parent.mkdir()
    settings.write_text(
        '# mine\nrate = 500\nloudness = "loud"\nspeed = 3\n\n[fr]\nchime = "gong"\n'
        'breathing = [1]\n\n[French]\nvoice = "x"\n',
        encoding="utf-8",
    )
    expected = [
        f"error: {settings}:2: rate: expected a whole number from 80 to 450, got '500'",
        f"error: {settings}:3: loudness: expected spoken, sleep, or a level in LUFS from -35 to -10, got 'loud'",
        f"error: {settings}:4: speed: unknown setting; expected one of: engine, voice, voice-model, ",
        f"error: {settings}:7: fr.chime: expected one of bell, bowl, none, got 'gong'",
        f"error: {settings}:8: fr.breathing: expected one of 4-7-8, box, coherent, calm, none, got list",
        f"error: {settings}:10: French: expected key = value, or a language's table like [fr] "
        "(two or three lowercase letters)",
    ]
    for args in (("config", "show"), ("show", routine, "--engine", FAKE)):
        result = run_cli(*args)
        assert result.exit_code == 2, result
        lines = result.stderr.splitlines()
        assert len(lines) == len(expected), result
        for line, wanted in zip(lines, expected, strict=True):
            assert line == wanted or (wanted.endswith(", ") and line.startswith(wanted)), line


def test_a_file_that_is_not_toml_is_located(settings: Path) -> None:
    settings.parent.mkdir()
    settings.write_text("rate = 120\nvoice = en-us+f3\n", encoding="utf-8")
    result = run_cli("config", "set", "rate", "130")  # never rewrites a file it cannot read
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {settings}:2: "), result
    assert 'text in quotes, e.g. voice = "en-us+f3"' in result.stderr
    assert settings.read_text() == "rate = 120\nvoice = en-us+f3\n"
    settings.write_text('"rate" = 120\n', encoding="utf-8")  # TOML, but not a line it edits
    quoted = run_cli("config", "set", "rate", "130")
    assert quoted.exit_code == 2 and "edit the file by hand" in quoted.stderr, quoted
    assert settings.read_text() == '"rate" = 120\n'


def test_a_missing_soundscape_points_at_the_settings_line(settings: Path, routine: str) -> None:
    settings.parent.mkdir()
    settings.write_text('rate = 120\nsoundscape = "no-such-bed.wav"\n', encoding="utf-8")
    result = run_cli("show", routine, "--engine", FAKE)
    assert result.exit_code == 2, result
    assert result.stderr.startswith(f"error: {settings}:2: soundscape: "), result
    assert run_cli("show", routine, "--engine", FAKE, "--soundscape", "none").exit_code == 0


def test_list_names_the_voice_each_routine_will_use(settings: Path) -> None:
    settings.parent.mkdir()
    settings.write_text('engine = "espeak"\n\n[fr]\nvoice = "fr+m3"\n', encoding="utf-8")
    listed = run_cli("list")
    assert listed.exit_code == 0, listed
    voices = {line.split()[0]: line.split()[4:6] for line in listed.stdout.splitlines()}
    assert voices["bedtime-hands"] == ["espeak", "en-us+f3"]
    assert voices["bedtime-hands-it"] == ["espeak", "it+f3"]
    assert voices["bedtime-hands-fr"] == ["espeak", "fr+m3"]
    as_json = json.loads(run_cli("list", "--json").stdout)
    assert {item["name"]: item["voice"] for item in as_json}["bedtime-hands-de"] == "de+f3"


def test_an_engine_and_a_voice_from_different_places(settings: Path, routine: str) -> None:
    """The one from the higher place decides: --engine speaks with its own voice, not the file's."""
    settings.parent.mkdir()
    settings.write_text('voice = "en-us+m3"\n', encoding="utf-8")
    said = origins(run_cli("-v", "show", routine, "--engine", FAKE).stderr)
    assert said["engine"] == f"{FAKE} (--engine)"
    assert said["voice"] == "the engine's, for the language (default)"
    with_voice = Path(routine).with_name("named.yaml")
    with_voice.write_text(ROUTINE.replace("  rate_wpm: 150", "  engine: fake\n  rate_wpm: 150"))
    said = origins(run_cli("-v", "show", str(with_voice), "--voice", FAKE).stderr)
    # without the settings file in it, the command line and the routine work together as before
    assert said["engine"] == f"{FAKE} (the routine, {with_voice}:4)"
    assert said["voice"] == f"{FAKE} (--voice)"


def test_the_breathing_names_the_options_take_are_the_built_in_patterns() -> None:
    from voiceguide.routine.model import BUILTIN_PATTERNS
    from voiceguide.routine.vocabulary import BREATHING_PATTERN_NAMES

    assert tuple(BUILTIN_PATTERNS) == BREATHING_PATTERN_NAMES

"""Hostile input and hostile surroundings (issue 16): each test failed on the code before its fix."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.conftest import FAKE, run_cli

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
    result = run_cli("validate", str(routine), "--engine", FAKE)  # timing is checked too
    assert result.exit_code == 2, result
    assert f"{routine}:" in result.stderr
    assert "routine's folder" in result.stderr, result


def test_relative_paths_inside_and_absolute_paths_stay_allowed(tmp_path: Path) -> None:
    _bed(tmp_path / "routines" / "sounds" / "bed.wav")
    outside = _bed(tmp_path / "elsewhere" / "bed.wav")
    for name in ("sounds/bed.wav", "./sounds/../sounds/bed.wav", str(outside)):
        routine = tmp_path / "routines" / "r.yaml"
        routine.write_text(ROUTINE + f"soundscape: {{name: {json.dumps(name)}}}\n")
        result = run_cli("validate", str(routine), "--engine", FAKE)
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


def test_a_file_that_appears_during_an_export_is_not_replaced(tmp_path: Path) -> None:
    from voiceguide.errors import OptionError
    from voiceguide.export import atomic_path

    target = tmp_path / "session.mp3"
    with (
        pytest.raises(OptionError, match="already exists"),
        atomic_path(target, force=False) as temporary,
    ):
        temporary.write_bytes(b"the new session")
        target.write_text("the user's notes, saved meanwhile")
    assert target.read_text() == "the user's notes, saved meanwhile"
    assert [path.name for path in tmp_path.iterdir()] == ["session.mp3"]  # no partial left


def test_two_writers_cannot_both_claim_one_name(tmp_path: Path) -> None:
    from voiceguide.errors import OptionError
    from voiceguide.export import atomic_path

    target = tmp_path / "a.wav"
    with (
        pytest.raises(OptionError, match="already exists"),
        atomic_path(target, force=False) as first,
    ):
        first.write_bytes(b"first")
        with atomic_path(target, force=False) as second:
            second.write_bytes(b"second")
    assert target.read_bytes() == b"second"  # the one that finished first keeps the name


def test_a_read_only_target_is_replaced_with_force_and_keeps_its_mode(tmp_path: Path) -> None:
    from voiceguide.export import atomic_path

    target = tmp_path / "a.wav"
    target.write_bytes(b"old")
    target.chmod(0o444)
    with atomic_path(target, force=True) as temporary:
        assert temporary.stat().st_mode & 0o200  # writable while it is written
        temporary.write_bytes(b"new")
    assert target.read_bytes() == b"new" and target.stat().st_mode & 0o777 == 0o444


@pytest.mark.real
def test_a_write_error_names_the_cause_and_the_users_path(tmp_path: Path) -> None:
    """Under ``ulimit -f``: "file too large" and the path the user gave, no temporary name."""
    import subprocess
    import sys

    routine = tmp_path / "r.yaml"
    routine.write_text(ROUTINE)
    out = tmp_path / "out.wav"
    script = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, resource.RLIM_INFINITY))\n"
        "from voiceguide.cli import main\n"
        f"main(['export', {str(routine)!r}, '--engine', 'espeak', '-o', {str(out)!r}])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False,
        env={**__import__("os").environ, "VOICEGUIDE_CACHE_DIR": str(tmp_path / "cache")},
    )  # fmt: skip
    assert done.returncode == 1, done
    last = done.stderr.strip().splitlines()[-1]
    assert last == f"error: cannot write {out}: file too large", done.stderr
    assert not out.exists() and [p.name for p in tmp_path.iterdir() if ".partial" in p.name] == []


def test_export_refuses_to_overwrite_the_routine_it_reads(tmp_path: Path) -> None:
    routine = tmp_path / "r.wav"  # a routine file with an audio name
    routine.write_text(ROUTINE)
    result = run_cli("export", str(routine), "-o", str(routine), "--force")
    assert result.exit_code == 2, result
    assert "is the routine being read" in result.stderr
    assert routine.read_text() == ROUTINE


def test_cache_info_says_which_limit_applies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOICEGUIDE_CACHE_MAX_MB", "abc")
    result = run_cli("cache", "info")
    assert result.exit_code == 0, result
    assert (
        "(limit 500 MB (VOICEGUIDE_CACHE_MAX_MB='abc' is not a number of megabytes))"
        in result.stdout
    )
    monkeypatch.setenv("VOICEGUIDE_CACHE_MAX_MB", "200")
    assert "(limit 200 MB)" in run_cli("cache", "info").stdout


@pytest.mark.real
@pytest.mark.parametrize("stream", ["stdout", "stderr"])
def test_an_unwritable_terminal_is_a_clear_error_or_ignored(tmp_path: Path, stream: str) -> None:
    """``> /dev/full``: the export is written and the failure to say so is one line, exit 1;
    ``-v ... 2>/dev/full``: the messages are lost, the command still works."""
    import os
    import subprocess
    import sys

    routine = tmp_path / "r.yaml"
    routine.write_text(ROUTINE)
    out = tmp_path / "out.wav"
    with Path("/dev/full").open("w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "voiceguide", "-v", "export", str(routine), "--engine",
             "espeak", "-o", str(out)],
            stdout=full if stream == "stdout" else subprocess.PIPE,
            stderr=full if stream == "stderr" else subprocess.PIPE,
            text=True, check=False, env={**os.environ, "VOICEGUIDE_CACHE_DIR": str(tmp_path / "c")},
        )  # fmt: skip
    assert out.exists()
    if stream == "stdout":
        assert done.returncode == 1
        assert done.stderr.strip().splitlines()[-1].startswith("error: cannot write"), done.stderr
        assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    else:
        assert done.returncode == 0, done


@pytest.mark.parametrize(
    "line",
    [
        'title: "Calm \\e[2J\\e]0;owned\\a hands"',
        'description: "csi \\x9b31m red"',
        '"field\\e[31m": 1',
        'chime: "\\e[5mbell"',
    ],
)
def test_terminal_control_sequences_never_reach_the_terminal(tmp_path: Path, line: str) -> None:
    routine = tmp_path / "r.yaml"
    text = ROUTINE.replace("title: Paths\n", "") if line.startswith("title") else ROUTINE
    text = text.replace("description: Reads files.\n", "") if "description" in line else text
    routine.write_text(text + line + "\n")
    for command in ("validate", "show"):
        result = run_cli(command, str(routine), "--engine", FAKE)  # the valid parts are timed
        assert result.exit_code == 2, result
        shown = result.stdout + result.stderr
        assert "\x1b" not in shown and "\x9b" not in shown and "\x07" not in shown, repr(shown)
        assert f"{routine}:" in result.stderr

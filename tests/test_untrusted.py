"""Untrusted means untrusted (issue 22): each test failed on the code before its fix. A shared
routine or recordings folder can neither write playlist entries, tags or terminal lines of its
own, nor make voiceguide read a device, a FIFO or an endless file."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.conftest import FAKE, run_cli
from voiceguide.errors import InputError

ROUTINE = """\
title: {title}
description: Reads files.
audience: self
language: en
steps:
  - id: one
    title: {step_title}
    duration: 5s
    say: Rest.
  - id: two
    title: Two
    duration: 5s
    say: Breathe.
"""
M3U_ATTACK = '"T\\n#EXTINF:1,evil\\nhttp://evil/x.mp3"'


def _routine(folder: Path, title: str = "Plain", step_title: str = "One", extra: str = "") -> Path:
    path = folder / "r.yaml"
    path.write_text(ROUTINE.format(title=title, step_title=step_title) + extra)
    return path


# -- 1: titles are one line -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "step_title", "line", "field"),
    [
        (M3U_ATTACK, "One", 1, "title"),
        ("Plain", M3U_ATTACK, 7, "steps[0].title"),
        ('"Tab\\there"', "One", 1, "title"),
        ('"CR\\rhere"', "One", 1, "title"),
        ('"Para\\u2029graph"', "One", 1, "title"),
        ('"Bidi \\u202eevil"', "One", 1, "title"),
        ("Plain", '"Line\\u2028sep"', 7, "steps[0].title"),
    ],
)
def test_a_title_with_a_line_break_is_refused_where_it_is_written(
    tmp_path: Path, title: str, step_title: str, line: int, field: str
) -> None:
    routine = _routine(tmp_path, title, step_title)
    for command in ("validate", "show"):
        result = run_cli(command, str(routine))
        assert result.exit_code == 2, result
        assert f"{routine}:{line}: {field}: expected " in result.stderr, result
        assert "text, got the control character U+" in result.stderr, result
        assert "#EXTINF" not in result.stdout + result.stderr.replace("\\", "")


def test_a_multi_line_say_still_loads(tmp_path: Path) -> None:
    routine = _routine(tmp_path, extra="")
    routine.write_text(routine.read_text().replace("say: Rest.", "say: |\n      Rest.\n      Now.\n"))
    result = run_cli("validate", str(routine), "--engine", FAKE)
    assert result.exit_code == 0, result


def test_export_split_writes_one_m3u_entry_per_part_even_for_a_folded_title(
    tmp_path: Path,
) -> None:
    """The writers fold defensively: a derived step title (from a multi-line say) and every
    title in the playlist, tags and chapters stay on one line."""
    routine = tmp_path / "r.yaml"
    routine.write_text(
        ROUTINE.format(title="Plain", step_title="One")
        .replace("    title: One\n", "")
        .replace("say: Rest.", 'say: "Rest\\u00a0your\\n\\nhands."')
    )
    target = tmp_path / "out.mp3"
    result = run_cli("export", str(routine), "--engine", FAKE, "--split", "-o", str(target))
    assert result.exit_code == 0, result
    lines = (tmp_path / "out.m3u").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#EXTM3U" and lines[1].startswith("#PLAYLIST:")
    entries = lines[2:]
    assert len(entries) == 4, lines
    assert [line.startswith("#EXTINF:") for line in entries] == [True, False, True, False]
    assert entries[1] == "out-01.mp3" and entries[3] == "out-02.mp3"


@pytest.mark.parametrize(
    "text", ["a\nb", "a\r\nb", "a\tb", "a\u2028b", "a\u2029b", "a\x85b", "a\u202eb", "a\x1b[2Jb"]
)
def test_one_line_folds_every_break_and_control(text: str) -> None:
    from voiceguide.untrusted import one_line

    folded = one_line(text)
    assert folded.startswith("a") and folded.endswith("b")
    assert len(folded.splitlines()) == 1
    assert all(char.isprintable() for char in folded), repr(folded)


# -- 2, 3: files named by untrusted input -----------------------------------------------------


def _recordings_routine(folder: Path) -> Path:
    (folder / "recs").mkdir()
    return _routine(folder, extra="recordings: recs\n")


def test_a_manifest_linked_to_dev_zero_is_refused_without_reading_it(tmp_path: Path) -> None:
    routine = _recordings_routine(tmp_path)
    (tmp_path / "recs" / "recordings.json").symlink_to("/dev/zero")
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from voiceguide.cli import main\n"
        f"main(['validate', {str(routine)!r}, '--engine', 'fake'])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
        env={**os.environ, "VOICEGUIDE_FAKE_ENGINE": "1"},
    )  # fmt: skip
    assert done.returncode == 2, done
    assert "recordings.json: expected the recordings manifest (a regular file), got a device" in (
        done.stderr
    ), done.stderr
    assert "MemoryError" not in done.stderr


def test_a_huge_manifest_is_read_only_up_to_its_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as stream:
        stream.truncate(50_000_000)  # sparse: costs no disk
    from voiceguide.untrusted import read_regular

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(InputError, match="expected the manifest of at most 4 MB"):
        read_regular(big, most_bytes=4_000_000, what="the manifest")
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 40_000  # kB


@pytest.mark.parametrize("name", ["recordings.json", "one.wav"])
def test_a_fifo_in_a_recordings_folder_never_hangs(tmp_path: Path, name: str) -> None:
    routine = _recordings_routine(tmp_path)
    os.mkfifo(tmp_path / "recs" / name)
    commands = ("validate", "show", "export") if name == "recordings.json" else ("export",)
    for command in commands:
        extra = ["-o", str(tmp_path / "out.wav")] if command == "export" else []
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "voiceguide", command, str(routine), "--engine", FAKE, *extra],
            capture_output=True, text=True, timeout=60,
            env={**os.environ, "VOICEGUIDE_FAKE_ENGINE": "1"},
        )  # fmt: skip
        assert time.monotonic() - started < 30
        if name == "recordings.json":
            assert done.returncode == 2, done
            assert "got a FIFO" in done.stderr, done.stderr
        else:  # a FIFO is not a recording: it is not listed, and never opened
            assert done.returncode == 0, done


@pytest.mark.parametrize("target", ["fifo", "/dev/zero", "folder"])
def test_read_regular_refuses_what_is_not_a_regular_file(tmp_path: Path, target: str) -> None:
    from voiceguide.untrusted import read_regular

    path = tmp_path / "x"
    if target == "fifo":
        os.mkfifo(path)
    elif target == "folder":
        path.mkdir()
    else:
        path.symlink_to(target)
    with pytest.raises(InputError, match="expected the file \\(a regular file\\), got a"):
        read_regular(path, most_bytes=1000, what="the file")


def test_a_soundscape_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "bed.wav")
    routine = _routine(tmp_path, extra="soundscape: {name: bed.wav}\n")
    result = run_cli("show", str(routine), "--engine", FAKE)
    assert result.exit_code == 2, result
    assert "bed.wav: expected a soundscape (a regular file), got a FIFO" in result.stderr


def _wav(path: Path, seconds: float = 1.0, rate: int = 16000) -> Path:
    tone = 0.2 * np.sin(np.arange(round(seconds * rate)) * 2 * np.pi * 220 / rate)
    soundfile.write(path, tone.astype(np.float32), rate)
    return path


def test_recordings_manifest_json_still_reads(tmp_path: Path) -> None:
    routine = _recordings_routine(tmp_path)
    _wav(tmp_path / "recs" / "one.wav")
    manifest = {"version": 1, "takes": {"one": {"file": "one.wav", "text": "Rest."}}}
    (tmp_path / "recs" / "recordings.json").write_text(json.dumps(manifest))
    result = run_cli("-v", "show", str(routine), "--engine", FAKE)
    assert result.exit_code == 0, result
    assert "recording: one <- one.wav" in result.stderr

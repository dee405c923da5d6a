"""The corpus of broken routine files: each gives exit code 2 and one located line per mistake (every
mistake in one run), never a traceback and never an output file. Expected lines sit beside each file
in ``tests/data/bad/*.err``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import DATA, FAKE, run_cli

BAD = sorted((DATA / "bad").glob("*.yaml"))
# What a real engine says or renders is the mistake here: these speak with eSpeak NG (validate) or
# the engine the routine gets by default (export); the rest with the fake engine.
REAL_ENGINE = {"silent-line", "unknown-language", "unknown-voice"}
CASES = [
    pytest.param(path, id=path.stem, marks=[pytest.mark.real] if path.stem in REAL_ENGINE else [])
    for path in BAD
]


def _expected(path: Path) -> str:
    lines = path.with_suffix(".err").read_text(encoding="utf-8").strip().splitlines()
    return "\n".join(f"error: {line}" for line in lines)


@pytest.mark.parametrize("path", CASES)
def test_validate_reports_one_located_line(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(path.parent)
    # one engine, so that the messages do not depend on what is installed
    engine = "espeak" if path.stem in REAL_ENGINE else FAKE
    result = run_cli("validate", "--engine", engine, path.name)
    assert result.exit_code == 2, result
    assert result.said.strip() == _expected(path), result
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("path", CASES)
def test_export_writes_nothing(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(path.parent)
    out = tmp_path / "out.wav"
    engine = [] if path.stem in REAL_ENGINE else ["--engine", FAKE]
    result = run_cli("export", path.name, "-o", str(out), *engine)
    assert result.exit_code == 2, result
    assert result.said.count("\n") == _expected(path).count("\n") + 1, result
    assert result.said.startswith(f"error: {path.name}:"), result
    assert list(tmp_path.iterdir()) == []


def test_every_bad_file_has_its_expected_line() -> None:
    assert len(BAD) >= 30
    for path in BAD:
        assert path.with_suffix(".err").is_file(), path


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    huge.write_text("title: T\ndescription: " + "x" * 2_000_000 + "\n", encoding="utf-8")
    result = run_cli("export", str(huge), "-o", str(tmp_path / "out.wav"))
    assert result.exit_code == 2, result
    assert (
        result.stderr.strip()
        == f"error: {huge}: expected a routine file under 1000 kB, got 2,000,023 bytes"
    )
    assert not (tmp_path / "out.wav").exists()


def test_missing_file_and_unknown_name(tmp_path: Path) -> None:
    missing = run_cli("export", str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "out.wav"))
    assert missing.exit_code == 2, missing
    assert (
        missing.stderr.strip()
        == f"error: {tmp_path / 'nope.yaml'}: expected a routine file, but there is no such file"
    )
    unknown = run_cli("show", "no-such-routine")
    assert unknown.exit_code == 2, unknown
    assert "no bundled routine named 'no-such-routine'" in unknown.stderr
    assert "bedtime-hands" in unknown.stderr


def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DATA / "bad")
    with pytest.raises(Exception, match="unknown field"):
        from voiceguide.cli import main

        main(["--debug", "validate", "unknown-field.yaml"])

"""Shared fixtures: an isolated clip cache, a CLI runner that shows everything on failure."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click.testing
import pytest

from voiceguide.cli import main

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session", autouse=True)
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One clip cache for the whole run, so real-engine tests synthesize each line once. Set for
    the whole session, so module-scoped fixtures never read the user's own cache either."""
    folder = tmp_path_factory.mktemp("clip-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VOICEGUIDE_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(autouse=True)
def _isolated_cache(shared_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("VOICEGUIDE_CACHE_DIR", str(shared_cache))  # again, if a test changed it
    yield


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    def __str__(self) -> str:
        return f"exit code {self.exit_code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


def run_cli(*args: str) -> CliResult:
    """Run ``voiceguide ARGS`` in this process through the real entry point (error mapping included)."""
    runner = click.testing.CliRunner()
    code = 0
    with runner.isolation() as (stdout, stderr, _):
        try:
            main(list(args))
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    return CliResult(code, stdout.getvalue().decode(), stderr.getvalue().decode())

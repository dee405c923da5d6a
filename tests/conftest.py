"""Shared fixtures: an isolated clip cache, a CLI runner that shows everything on failure, the
fake engine enabled, and no real engine started by a test that is not marked ``real``."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# Before voiceguide is imported: the engine names (the CLI's --engine among them) are read once.
os.environ["VOICEGUIDE_FAKE_ENGINE"] = "1"
# Piper, not Kokoro (about 7x slower), speaks where nothing chooses an engine, as before Kokoro
# came: the suite stays fast. Kokoro's tests and the default order's choose it themselves.
os.environ["VOICEGUIDE_ENGINE_ORDER"] = "piper,espeak"

import click.testing
import pytest

from voiceguide.cli import main
from voiceguide.speech.worker import Worker

DATA = Path(__file__).parent / "data"
FAKE = "fake"  # the engine that makes clips in this process (voiceguide/speech/fake.py)
REAL_HELPERS = (
    "espeak_zygote.py",
    "piper_zygote.py",
    "kokoro_zygote.py",
    "voiceguide.speech.pyttsx3_worker",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--sweep", action="store_true",
        help="also run the exhaustive real sweeps (tests marked sweep: tens of minutes)",
    )  # fmt: skip


# Real clips that several modules speak: the tests that speak them run on one xdist worker, one
# after the other, so the first speaks cold and the rest find them in the shared cache (two
# workers speaking the same lines at once would each pay for them). Used as
# ``pytest.mark.xdist_group(PIPER_BEDTIME)``; the README's command runs ``--dist loadgroup``.
PIPER_BEDTIME = "piper:bedtime-hands"
PIPER_DESK = "piper:desk-break"


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``sweep`` are left out of a run unless ``--sweep`` is given. Tests that share a
    module-scoped fixture run on one worker (else each worker would build it: a cold export
    twice), unless they name a group of their own."""
    for item in items:
        if item.get_closest_marker("xdist_group") is None and _uses_a_module_fixture(item):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
    if config.getoption("--sweep"):
        return
    swept = [item for item in items if item.get_closest_marker("sweep") is not None]
    if swept:
        config.hook.pytest_deselected(items=swept)
        items[:] = [item for item in items if item.get_closest_marker("sweep") is None]


def _uses_a_module_fixture(item: pytest.Item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(definitions[-1].scope == "module" for definitions in info.name2fixturedefs.values())


@pytest.fixture(autouse=True)
def _no_real_engine_unless_marked(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """A test not marked ``real`` that starts eSpeak NG, Piper or pyttsx3 fails, loudly, even
    when the code under test catches the error (a stand-in helper script may still start)."""
    if request.node.get_closest_marker("real") is not None:
        yield
        return
    started: list[str] = []
    original = Worker.__init__

    def guarded(self: Worker, command: list[str], name: str) -> None:
        if any(part.endswith(REAL_HELPERS) for part in command):
            started.append(name)
            pytest.fail(
                f"started the real {name} helper in a test not marked real: use the fake engine "
                f"(--engine {FAKE}) or mark the test real",
                pytrace=False,
            )
        original(self, command, name)

    monkeypatch.setattr(Worker, "__init__", guarded)
    yield
    assert not started, f"started the real {', '.join(started)} helper in a test not marked real"


@pytest.fixture(scope="session", autouse=True)
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One clip cache for the whole run, so real-engine tests synthesize each line once (with
    ``-n 2`` both workers share it: the cache room's writes are atomic). Set for the whole session,
    so module-scoped fixtures never read the user's own cache either."""
    if os.environ.get("PYTEST_XDIST_WORKER"):  # the run's folder, above each worker's own
        folder = tmp_path_factory.getbasetemp().parent / "clip-cache"
        folder.mkdir(exist_ok=True)
    else:
        folder = tmp_path_factory.mktemp("clip-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VOICEGUIDE_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(scope="session", autouse=True)
def _no_user_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """No test reads the user's own settings file: an empty config folder for the whole run."""
    folder = tmp_path_factory.mktemp("config")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VOICEGUIDE_CONFIG_DIR", str(folder))
        yield folder


@pytest.fixture(autouse=True)
def _isolated_cache(
    shared_cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    monkeypatch.setenv("VOICEGUIDE_CACHE_DIR", str(shared_cache))  # again, if a test changed it
    # where `play` keeps the place each routine stopped: the test's own, never the user's
    monkeypatch.setenv("VOICEGUIDE_STATE_DIR", str(tmp_path_factory.mktemp("state")))
    yield


# A progress line that a step lasting over a second prints where stderr is not a terminal
# (voiceguide/pace.py): "speaking 12 of 66 lines, about 0:40 left", "preparing X: speaking 3/9"
PROGRESS_LINE = re.compile(r"(preparing .*?: )?[a-z]+ \d+(?: of |/)\d+\b.*")


def said(stderr: str) -> str:
    """``stderr`` without its progress lines: what a command said (errors, notes)."""
    return "".join(
        line
        for line in stderr.splitlines(keepends=True)
        if not PROGRESS_LINE.fullmatch(line.strip())
    )


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def said(self) -> str:
        """stderr without the progress lines a long step prints off a terminal."""
        return said(self.stderr)

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

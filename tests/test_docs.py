"""The documentation stays true: the README stays short and links every page, its example routines
are valid, the map of the code names real files, and the figures it quotes agree with the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import run_cli

ROOT = Path(__file__).parent.parent


def _yaml_blocks(path: Path) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


@pytest.mark.real
@pytest.mark.parametrize("document", ["README.md", "docs/routine-format.md"])
def test_example_routines_are_valid(document: str, tmp_path: Path) -> None:
    blocks = _yaml_blocks(ROOT / document)
    assert blocks
    for index, block in enumerate(blocks):
        routine = tmp_path / f"example-{index}.yaml"
        routine.write_text(block, encoding="utf-8")
        result = run_cli("validate", str(routine))
        assert result.exit_code == 0, result


def test_the_map_of_the_code_names_files_that_exist() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    code_map = page[page.index("## Map of the code") :]
    block = re.search(r"```\n(.*?)```", code_map, re.S)
    assert block is not None
    parents = {0: ROOT, 2: ROOT / "voiceguide", 4: ROOT / "voiceguide"}
    checked = 0
    for line in block.group(1).splitlines():
        indent = len(line) - len(line.lstrip(" "))
        name = line.split()[0] if line.strip() else ""
        if indent not in parents or not re.fullmatch(r"[\w.-]+/?", name):
            continue  # a continuation of the line above
        path = parents[indent] / name
        assert path.exists(), (
            f"the map of the code names {path.relative_to(ROOT)}, which does not exist"
        )
        checked += 1
        if indent == 2 and name.endswith("/"):
            parents[4] = path
    assert checked > 30


README_MAX_LINES = 250


def test_the_readme_is_short_and_links_every_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= README_MAX_LINES
    linked = set(re.findall(r"\]\((docs/[\w.-]+\.md)", readme))
    pages = {f"docs/{path.name}" for path in (ROOT / "docs").glob("*.md")}
    assert pages <= linked, f"pages the README does not link: {sorted(pages - linked)}"


@pytest.mark.parametrize("document", ["README.md", "SECURITY.md", *sorted(
    f"docs/{path.name}" for path in (ROOT / "docs").glob("*.md")
)])  # fmt: skip
def test_links_lead_to_files_that_exist(document: str) -> None:
    text = (ROOT / document).read_text(encoding="utf-8")
    folder = (ROOT / document).parent
    for target in re.findall(r"\]\(([^)#:\s]+)(?:#[^)]*)?\)", text):
        assert (folder / target).exists(), f"{document} links {target}, which does not exist"


def test_the_bundled_routines_table_lists_every_routine() -> None:
    from voiceguide.routinefile import bundled_names, load_bundled

    page = (ROOT / "docs" / "routines.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `([\w-]+)`", page, re.M)
    assert sorted(listed) == sorted(bundled_names())
    for name in bundled_names():  # the length it quotes is the routine's written length
        row = next(line for line in page.splitlines() if line.startswith(f"| `{name}`"))
        minutes = int(re.search(r"\| (\d+) min \|", row)[1])  # type: ignore[index]
        routine = load_bundled(name)
        assert abs(routine.steps_s / 60 - minutes) <= 1.0, (name, routine.steps_s / 60, minutes)


def test_the_test_count_quoted_is_the_suite_s(request: pytest.FixtureRequest) -> None:
    """docs/testing.md quotes how many tests the README's command runs: within 10 % of today's."""
    page = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    quoted = int(re.search(r"runs (\d+) tests", page)[1])  # type: ignore[index]
    if (
        request.config.getoption("--sweep")
        or request.config.option.keyword
        or (request.config.option.markexpr)
    ):
        pytest.skip("the count is the whole suite's, without --sweep, -k or -m")
    collected = len(request.session.items)
    files = {Path(str(item.fspath)).name for item in request.session.items}
    if files != {path.name for path in (ROOT / "tests").glob("test_*.py")}:
        pytest.skip("a partial run (only some files)")
    assert abs(collected - quoted) <= 0.1 * collected, (quoted, collected)


def _shown_commands() -> list[tuple[str, str]]:
    """Every ``voiceguide ...`` command in the README's and the docs' shell blocks."""
    found: list[tuple[str, str]] = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for block in re.findall(
            r"```(?:sh|console)?\n(.*?)```", path.read_text(encoding="utf-8"), re.S
        ):
            for line in block.splitlines():
                command = re.split(r"\s#\s", line)[0].strip().removeprefix("$ ")
                command = re.sub(r"^(\.venv/bin/)?voiceguide\b", "voiceguide", command)
                if command.startswith("voiceguide ") and "..." not in command:
                    found.append((path.name, command))
    return found


@pytest.mark.parametrize(("page", "command"), _shown_commands())
def test_every_command_shown_parses(page: str, command: str) -> None:
    """The command and every option it shows exist and take the values shown (nothing is run)."""
    import shlex

    import click

    from voiceguide.cli import cli

    args = shlex.split(command.split("||")[0].split("&&")[0].strip("() "))[1:]
    command_: click.Command = cli
    context = click.Context(cli, info_name="voiceguide")
    while args and args[0] in ("-v", "--verbose", "--debug"):
        args.pop(0)
    while isinstance(command_, click.Group) and args:
        name, sub, args = command_.resolve_command(context, args)
        assert sub is not None, f"{page}: {command}: no command {name}"
        context = sub.make_context(name or "", list(args), parent=context)
        command_, args = sub, (args if isinstance(sub, click.Group) else [])

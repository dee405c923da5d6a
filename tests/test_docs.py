"""The documentation stays true: its example routines are valid, and its map names real files."""

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


def test_the_readme_map_names_files_that_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code_map = readme[readme.index("### Map of the code") :]
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
            f"the README's map names {path.relative_to(ROOT)}, which does not exist"
        )
        checked += 1
        if indent == 2 and name.endswith("/"):
            parents[4] = path
    assert checked > 30

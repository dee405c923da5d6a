"""The drawing in docs/architecture.md is a fact: imports go one way, between rooms and between modules.

Every ``import`` in the package (at the top of a module or inside a function) is read with ``ast``.
A room is a direct child of ``voiceguide`` (a subpackage or a module). Rooms sit in layers, top to
bottom; a room may import from a lower layer, never from its own layer's other rooms or from above,
and no chain of module imports may come back to where it started.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "voiceguide"

# Top to bottom. docs/architecture.md draws the same chain.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"__main__"}),
    frozenset({"cli"}),
    frozenset({"record"}),  # the recorder reads keys with the player's key reader
    frozenset({"batch", "player"}),
    frozenset({"exporting"}),  # one export, shared by `export` and `export --all`
    frozenset({"api"}),
    frozenset({"config"}),  # the settings file (written atomically, as an export is)
    frozenset({"export", "preparing"}),
    frozenset({"render"}),
    frozenset({"clips"}),
    frozenset({"listen"}),  # its decoder runs in a helper process (speech.worker)
    frozenset({"speech", "sound", "recordings", "remote"}),
    frozenset({"timeline", "routinefile"}),  # the plan; reading routine files
    frozenset({"routine", "cache"}),
    frozenset({"pace"}),  # the time left of some work, measured
    frozenset({"timetext"}),  # seconds as text, for every room that shows a time
    frozenset({"untrusted"}),  # files and text from untrusted input: one door, one line
    frozenset({"errors"}),
    frozenset({"__init__"}),
)

# The CLI talks to the front doors only: the api, the one export, the batch, the player, the recorder;
# and it builds its options' choices and defaults from the vocabulary (and writes times with timetext),
# the light standard-library modules that own them, so `voiceguide --help` loads nothing else.
CLI_DOORS = frozenset(
    {
        "api",
        "routine",
        "routine.vocabulary",
        "timetext",
        "errors",
        "pace",
        "exporting",
        "batch",
        "player",
        "record",
        "record.recorder",
        "cli",
        "__init__",
    }
)

# Only the CLI speaks click; the pure rooms use the standard library only (PyYAML is routinefile's).
ONLY_IN = {"click": frozenset({"cli"})}
PURE_ROOMS: dict[str, frozenset[str]] = {
    "routine": frozenset(),
    "timeline": frozenset(),
    "timetext": frozenset(),
    "pace": frozenset(),
    "untrusted": frozenset(),
}


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, name: str) -> Iterator[tuple[str, int]]:
    """Absolute names of everything module ``name`` at ``path`` imports, with each import's line."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield target, node.lineno
            for alias in node.names:  # `from voiceguide import api` imports a module
                yield f"{target}.{alias.name}", node.lineno


def room_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def layer_of(room: str) -> int:
    for index, layer in enumerate(LAYERS):
        if room in layer:
            return index
    raise AssertionError(
        f"room voiceguide.{room} is in no layer: add it to LAYERS and docs/architecture.md"
    )


def all_modules(package: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(path, package): path for path in sorted(package.rglob("*.py"))}


def _target_module(target: str, modules: dict[str, Path]) -> str | None:
    if target in modules:
        return target
    parent = target.rpartition(".")[0]
    return parent if parent in modules else None


def import_violations(modules: dict[str, Path]) -> list[str]:
    """One line for every import that goes up, sideways, or out of its room's allowed libraries."""
    problems = []
    for module, path in modules.items():
        room = room_of(module)
        here = layer_of(room)
        for target, line in imports_of(path, module):
            top = target.split(".")[0]
            where = f"{module} (line {line})"
            if top in ONLY_IN and room not in ONLY_IN[top]:
                problems.append(f"{where} imports {top}, which only {sorted(ONLY_IN[top])} may")
            third_party = top not in sys.stdlib_module_names and top not in {"voiceguide", ""}
            if room in PURE_ROOMS and third_party and top not in PURE_ROOMS[room]:
                problems.append(f"{where}: the pure room {room} imports {top}")
            found = _target_module(target, modules) if top == "voiceguide" else None
            if found is None or room_of(found) == room:
                continue
            there = layer_of(room_of(found))
            if there < here:
                problems.append(f"{where} imports {found}, a layer above it")
            elif there == here:
                problems.append(f"{where} imports {found}, a room beside it")
    return sorted(set(problems))


def import_cycles(modules: dict[str, Path]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan): import circles."""
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for module, path in modules.items():
        for target, _ in imports_of(path, module):
            found = _target_module(target, modules)
            if found is not None and found != module and not module.startswith(found + "."):
                graph[module].add(found)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_imports_go_down_the_layers() -> None:
    problems = import_violations(all_modules())
    assert not problems, "\n".join(problems)


def test_the_cli_uses_the_front_doors_only() -> None:
    problems = []
    for module, path in all_modules().items():
        if room_of(module) != "cli":
            continue
        for target, line in imports_of(path, module):
            found = (
                _target_module(target, all_modules()) if target.startswith("voiceguide") else None
            )
            inner = None if found is None else "__init__" if found == "voiceguide" else found[11:]
            if inner is not None and inner not in CLI_DOORS and room_of(found or "") != "cli":
                problems.append(f"{module} (line {line}) imports {found}, behind the front door")
    assert not problems, "\n".join(problems)


MAX_MODULE_LINES = 350
MAX_LINES = {"voiceguide/api.py": 250}
MAX_COMMAND_LINES = 25  # a command's function body: parse, call the library, print


def test_modules_are_small() -> None:
    too_long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).as_posix()
        most = MAX_LINES.get(
            relative, 300 if relative.startswith("voiceguide/cli") else MAX_MODULE_LINES
        )
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > most:
            too_long.append(f"{relative}: {lines} lines (at most {most})")
    assert not too_long, "\n".join(too_long)


def test_cli_commands_are_short() -> None:
    long_commands = []
    for path in sorted((PACKAGE / "cli").glob("*_commands.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            commands = [
                d for d in getattr(node, "decorator_list", []) if "command" in ast.unparse(d)
            ]
            if isinstance(node, ast.FunctionDef) and commands:
                body_lines = (node.end_lineno or node.lineno) - node.body[0].lineno + 1
                if body_lines > MAX_COMMAND_LINES:
                    long_commands.append(f"{path.name}: {node.name}: {body_lines} lines")
    assert not long_commands, "\n".join(long_commands)


def test_no_import_circles() -> None:
    cycles = import_cycles(all_modules())
    assert not cycles, "\n".join("an import circle among: " + ", ".join(cycle) for cycle in cycles)


def test_every_room_is_drawn() -> None:
    for room in sorted({room_of(name) for name in all_modules()}):
        layer_of(room)  # fails naming the room when it is missing


def _planted(tmp_path: Path, files: dict[str, str]) -> dict[str, Path]:
    package = tmp_path / "voiceguide"
    for relative, text in files.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return all_modules(package)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"voiceguide/timeline/x.py": "from voiceguide.api import load\n",
          "voiceguide/api.py": ""}, "voiceguide.timeline.x (line 1) imports voiceguide.api, a layer above it"),
        ({"voiceguide/speech/x.py": "from ..sound import cues\n",
          "voiceguide/sound/cues.py": ""}, "imports voiceguide.sound.cues, a room beside it"),
        ({"voiceguide/routine/x.py": "def f() -> None:\n    import click\n"}, "(line 2) imports click"),
        ({"voiceguide/timeline/x.py": "import numpy\n"}, "the pure room timeline imports numpy"),
    ],
)  # fmt: skip
def test_the_contract_catches_a_bad_import(
    files: dict[str, str], expected: str, tmp_path: Path
) -> None:
    """The checker itself: a planted upward, sideways or forbidden import is reported."""
    problems = import_violations(_planted(tmp_path, files))
    assert any(expected in problem for problem in problems), problems


def test_the_contract_catches_a_circle(tmp_path: Path) -> None:
    modules = _planted(
        tmp_path,
        {
            "voiceguide/speech/one.py": "from . import two\n",
            "voiceguide/speech/two.py": "import voiceguide.speech.one\n",
        },
    )
    assert import_cycles(modules) == [["voiceguide.speech.one", "voiceguide.speech.two"]]


def test_every_package_ships() -> None:
    """Every folder of modules is in pyproject's package list (a wheel leaves out what is not)."""
    import tomllib

    listed = set(
        tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["tool"]["setuptools"][
            "packages"
        ]
    )
    folders = {
        ".".join(path.parent.relative_to(PACKAGE.parent).parts) for path in PACKAGE.rglob("*.py")
    }
    assert folders <= listed, f"add to pyproject's packages: {sorted(folders - listed)}"


# One home for every rule: a second route that decides the same thing again is caught here.
# (folder, pattern, files where the pattern is the one home, the rule)
SECOND_ROUTES = [
    ("voiceguide/timeline", r"FROM_ROUTINE|== \"routine\"", (),
     "the settings decide command line over routine over default; the plan takes final values"),
    ("voiceguide/timeline", r"routine\.(breathing|chime|linger_s)\b", ("model.py",),
     "the routine's own breathing, chime and linger reach the plan through PlanOptions.of only"),
    ("voiceguide", r"((?<![=!<>])=|\belse|\bor) *[\"']edges[\"']", ("vocabulary.py",),
     "the session breath tones' default is vocabulary.DEFAULT_BREATHING_DURING"),
    ("voiceguide", r"\b6 \* 3600|21600", ("vocabulary.py",),
     "the longest session is vocabulary.MAX_SESSION_S"),
    ("voiceguide", r"LEAD_IN_S \+ routine\.steps_s|steps_s \+ LEAD_OUT_S", ("model.py",),
     "a routine's written length is timeline.written_length_s"),
    ("voiceguide", r"Path\(routine\.folder\) / routine\.recordings", (),
     "a routine's recordings folder is Routine.recordings_folder"),
    ("voiceguide/cli", r"Choice\(\s*[\[(]\s*[\"']", (),
     "the CLI's choices come from the vocabulary that owns them, not literals"),
    ("voiceguide", r"^def prepare\(", ("pipeline.py",),
     "'prepare' means one thing: a session from a routine and options (preparing/pipeline.py)"),
    ("voiceguide", r"[\"']\s*:\s*[\"'](toggle|pause|continue|next|back|repeat|louder|softer|quit|"
     r"soundscape-louder|soundscape-softer|help)[\"']", ("vocabulary.py",),
     "every control maps its words onto vocabulary.Action, not onto strings of its own"),
    ("voiceguide", r"CacheRoom\([^)]*\)\.(usage|clear|trim)\(", ("room.py",),
     "cache-wide usage, clearing and trimming live in the cache room (cache/room.py)"),
]  # fmt: skip


def second_routes(root: Path = PACKAGE.parent) -> list[str]:
    found: list[str] = []
    for folder, pattern, homes, rule in SECOND_ROUTES:
        for path in sorted((root / folder).rglob("*.py")):
            if path.name in homes:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(pattern, line.split("#")[0], re.M):
                    found.append(f"{path.relative_to(root)}:{number}: {line.strip()} ({rule})")
    return found


def test_every_rule_has_one_home() -> None:
    routes = second_routes()
    assert not routes, "a rule decided a second time:\n" + "\n".join(routes)


@pytest.mark.parametrize(
    "room", ["voiceguide.routine", "voiceguide.timeline", "voiceguide.timetext"]
)
def test_the_pure_rooms_load_only_the_standard_library(room: str) -> None:
    """Imported in a fresh interpreter, a pure room brings in nothing from outside the standard
    library (reading YAML is routinefile's, above them)."""
    script = (
        "import sys\n"
        f"import {room}\n"
        "names = {name.split('.')[0] for name in sys.modules}\n"
        "print(' '.join(sorted(names - set(sys.stdlib_module_names) - {'voiceguide', '__main__'})))"
    )
    found = subprocess.run(
        [sys.executable, "-S", "-c", script], cwd=PACKAGE.parent, capture_output=True, text=True,
        check=True,
    ).stdout.split()  # fmt: skip
    assert found == [], f"import {room} loads {found}"

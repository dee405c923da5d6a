"""The settings file: where it lives, what it says (each value with its line), and changing one
line of it atomically, comments and the rest left as the person wrote them.

The file is TOML, flat: ``key = value`` lines for every routine, then ``[fr]``-style tables whose
lines apply only to routines in that language. Reading never checks a value (the command line's
own option types do that, in :mod:`voiceguide.cli.remembered`); it only says where each one is.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from voiceguide.errors import InputError, OptionError, SettingsFileError, describe_os_error

FILE_NAME = "settings.toml"
DIR_VARIABLE = "VOICEGUIDE_CONFIG_DIR"
LANGUAGE = re.compile(r"[a-z]{2,3}")  # a table of settings for one language: [fr], [it]
_HEADER = re.compile(r"\s*\[\s*([A-Za-z0-9_-]+)\s*\]\s*(#.*)?$")
_KEY = re.compile(r"\s*([A-Za-z0-9_-]+)\s*=")
_HEAD = (
    "# voiceguide settings, written by 'voiceguide config set KEY VALUE'; yours to edit.\n"
    "# Keys are the options' names (rate, voice, soundscape, loudness, ...).\n"
    "# An option on the command line wins; these win over a routine's own values.\n"
)


def config_dir() -> Path:
    """``$VOICEGUIDE_CONFIG_DIR``, else the platform's config folder for voiceguide."""
    configured = os.environ.get(DIR_VARIABLE)
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_config_dir("voiceguide", appauthor=False))


def settings_path() -> Path:
    return config_dir() / FILE_NAME


def language_table(code: str) -> str:
    """The table a language's settings go in: ``fr`` for fr, fr-CA or fr_FR."""
    table = code.lower().replace("_", "-").split("-")[0]
    if not LANGUAGE.fullmatch(table):
        raise OptionError(f"--language: expected a language code like fr or it, got '{code[:20]}'")
    return table


@dataclass(frozen=True, slots=True)
class Entry:
    """One ``key = value`` line as written: ``language`` is its table's name ("" at the top)."""

    key: str
    value: object
    language: str
    line: int | None

    @property
    def name(self) -> str:
        """How ``config show`` and errors call it: ``rate``, or ``fr.voice`` in a table."""
        return f"{self.language}.{self.key}" if self.language else self.key


def read_entries(path: Path) -> tuple[Entry, ...]:
    """Every value in the file with its line (none when the file does not exist); a file that is
    not TOML is a located :class:`SettingsFileError`."""
    text = _read_text(path)
    if text is None:
        return ()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"\(at line (\d+), column \d+\)", str(error))
        line = int(found.group(1)) if found else None
        message = re.sub(r"\s*\(at line.*\)$", "", str(error))
        hint = 'TOML: text in quotes, e.g. voice = "en-us+f3"; numbers bare, e.g. rate = 120'
        raise SettingsFileError.of(str(path), [(line, "", f"{message} ({hint})")]) from None
    places = _places(text)
    entries: list[Entry] = []
    for key, value in data.items():
        if isinstance(value, dict) and LANGUAGE.fullmatch(key):
            for inner, inner_value in value.items():
                entries.append(Entry(inner, inner_value, key, places.get((key, inner))))
        else:  # a table that is no language's is an entry too: the reader says what was expected
            entries.append(Entry(key, value, "", places.get(("", key), places.get((key, "")))))
    return tuple(entries)


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise InputError(f"{path}: expected a UTF-8 text file") from None
    except OSError as error:
        raise InputError(f"cannot read {path}: {describe_os_error(error)}") from None


def _places(text: str) -> dict[tuple[str, str], int]:
    """(table, key) -> line number, for plain keys; (table, "") -> the table header's line."""
    places: dict[tuple[str, str], int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if header := _HEADER.match(line):
            table = header.group(1)
            places.setdefault((table, ""), number)
        elif key := _KEY.match(line):
            places.setdefault((table, key.group(1)), number)
    return places


def toml_value(value: object) -> str:
    """``value`` as TOML writes it: a number bare, text in double quotes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(c if c >= " " and c != "\x7f" else f"\\u{ord(c):04x}" for c in escaped)
    return f'"{escaped}"'


def set_value(path: Path, key: str, value: object, language: str = "") -> None:
    """Write ``key = value`` (in ``[language]``'s table, if given): the line replaced where the
    key is, else added at the end of its table (a new table at the end of the file)."""
    text = _read_text(path) or _HEAD
    _refuse_broken(path, text)
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    new = f"{key} = {toml_value(value)}\n"
    where = _places(text).get((language, key))
    if where is not None:
        lines[where - 1] = new
    else:
        lines = _insert(lines, language, new)
    _write(path, _checked(path, "".join(lines), key, language, value))


def unset_value(path: Path, key: str, language: str = "") -> bool:
    """Remove ``key`` (from ``[language]``'s table); False when it was not set."""
    text = _read_text(path)
    if text is None:
        return False
    _refuse_broken(path, text)
    where = _places(text).get((language, key))
    if where is None:
        return False
    lines = text.splitlines(keepends=True)
    del lines[where - 1]
    if language:
        lines = _without_empty_table(lines, language)
    _write(path, _checked(path, "".join(lines), key, language, None))
    return True


def _without_empty_table(lines: list[str], language: str) -> list[str]:
    """``lines`` without ``[language]``'s header when nothing but blank lines is left under it."""
    header = next(
        (index for index, line in enumerate(lines)
         if (found := _HEADER.match(line)) and found.group(1) == language),
        None,
    )  # fmt: skip
    if header is None:
        return lines
    end = next(
        (index for index in range(header + 1, len(lines)) if _HEADER.match(lines[index])),
        len(lines),
    )
    if any(line.strip() for line in lines[header + 1 : end]):
        return lines
    kept = lines[:header] + lines[end:]
    while kept and not kept[-1].strip():
        kept.pop()  # no blank lines left at the end of the file
    return kept


def _checked(path: Path, text: str, key: str, language: str, value: object) -> str:
    """``text``, if it reads back with ``key`` set to ``value`` (None: absent). A key written in a
    way this line editor does not follow (quoted, dotted, over several lines) is left to the
    person, rather than the file broken."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        data = None
    table = data.get(language, {}) if data is not None and language else data
    if not isinstance(table, dict) or table.get(key) != value:
        raise OptionError(f"{path}: cannot change '{key}' here; edit the file by hand")
    return text


def _refuse_broken(path: Path, text: str) -> None:
    """Refuse to change a file that is not TOML (its errors, located)."""
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        read_entries(path)  # raises the located error


def _insert(lines: list[str], language: str, new: str) -> list[str]:
    """``new`` at the end of ``language``'s table (the top part when ""), after its last value."""
    start = 0
    if language:
        for index, line in enumerate(lines):
            header = _HEADER.match(line)
            if header and header.group(1) == language:
                start = index + 1
                break
        else:
            gap = [] if not lines or lines[-1].strip() == "" else ["\n"]
            return [*lines, *gap, f"[{language}]\n", new]
    end = len(lines)
    for index in range(start, len(lines)):
        if _HEADER.match(lines[index]):
            end = index
            break
    last = end
    while last > start and lines[last - 1].strip() == "":
        last -= 1  # after the table's last line, before the blank lines that end it
    return [*lines[:last], new, *lines[last:]]


def _write(path: Path, text: str) -> None:
    from voiceguide.export.atomic import atomic_path

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"cannot make {path.parent}: {describe_os_error(error)}") from None
    with atomic_path(path, force=True) as temporary:
        temporary.write_text(text, encoding="utf-8")

"""The settings file read through the command line's own options: each value checked by the
option of the same name (``rate`` by ``--rate``), every problem reported at its line at once."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import TYPE_CHECKING

import click

from voiceguide.errors import SettingsFileError

if TYPE_CHECKING:
    from voiceguide import api


def read_remembered(options: dict[str, click.Option], path: Path | None = None) -> api.Remembered:
    """The settings file's values, each checked by the option of its name (none without a file)."""
    from voiceguide import api

    path = path or api.settings_path()
    entries = api.settings_entries(path)
    values: list[api.RememberedValue] = []
    problems: list[tuple[int | None, str, str]] = []
    for entry in entries:
        try:
            name, value = check(entry.key, entry.value, options)
        except click.BadParameter as error:
            problems.append((entry.line, entry.name, error.message))
            continue
        values.append(
            api.RememberedValue(
                name, value, entry.language, api.Where(str(path), entry.line, entry.name)
            )
        )
    if problems:
        raise SettingsFileError.of(str(path), problems)
    return api.Remembered(tuple(values))


def check(key: str, value: object, options: dict[str, click.Option]) -> tuple[str, object]:
    """(the SessionOptions field, the value as the option reads it); :class:`click.BadParameter`
    saying what was expected."""
    if isinstance(value, dict):
        raise click.BadParameter(
            "expected key = value, or a language's table like [fr] (two or three lowercase letters)"
        )
    option = options.get(key)
    if option is None:
        hint = difflib.get_close_matches(key, options, n=1, cutoff=0.6)
        suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
        raise click.BadParameter(
            f"unknown setting{suggestion}; expected one of: {', '.join(options)}"
        )
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise click.BadParameter(f"expected {expected(option)}, got {type(value).__name__}")
    text = value if isinstance(value, str) else repr(value)
    try:
        converted = option.type.convert(text, option, None)
    except click.BadParameter as error:
        raise click.BadParameter(_expected_message(option, text, error)) from None
    assert option.name is not None
    return option.name, converted


def expected(option: click.Option) -> str:
    """What ``option`` takes, in words, from its own type."""
    kind = option.type
    if isinstance(kind, click.IntRange):
        return f"a whole number from {kind.min} to {kind.max}"
    if isinstance(kind, click.FloatRange):
        if kind.min_open:
            return f"a number more than {kind.min:g} and at most {kind.max:g}"
        return f"a number from {kind.min:g} to {kind.max:g}"
    if isinstance(kind, click.Choice):
        return "one of " + ", ".join(map(str, kind.choices))
    if isinstance(kind, click.Path):
        return "a file's path"
    return "text"


def _expected_message(option: click.Option, text: str, error: click.BadParameter) -> str:
    message = error.message
    if message.startswith("expected"):  # the type says it already (loudness)
        return message
    return f"expected {expected(option)}, got {text!r}"

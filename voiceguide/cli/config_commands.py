"""``voiceguide config``: the options a person gives every night, remembered in the settings file."""

from __future__ import annotations

from pathlib import Path

import click

from voiceguide.cli.base import cli
from voiceguide.cli.options import remembered_options
from voiceguide.cli.remembered import check, read_remembered
from voiceguide.errors import OptionError

_LANGUAGE_HELP = "Only for routines in this language (fr, it, ...): a voice that speaks it, say."


@cli.group()
def config() -> None:
    """Remember options for every session (voice, rate, soundscape, loudness, breathing, ...).

    An option on the command line wins over the settings file, which wins over the routine's own
    values. 'voiceguide -v play' says where each setting came from."""


@config.command(name="set", context_settings={"ignore_unknown_options": True})
@click.argument("key")
@click.argument("value")  # a negative number is a value, not an option: loudness -18
@click.option("--language", help=_LANGUAGE_HELP)
def config_set(key: str, value: str, language: str | None) -> None:
    """Remember VALUE for KEY (an option's name without its dashes: rate 120, voice en-us+f3)."""
    from voiceguide import api

    table = _language(language)
    try:
        _, converted = check(key, value, remembered_options())
    except click.BadParameter as error:
        raise OptionError(f"{key}: {error.message}") from None
    stored = _stored(value, converted)
    path = api.settings_path()
    api.remember_setting(path, key, stored, table)
    click.echo(f"{_label(key, table)} = {stored} (in {path})")


@config.command(name="unset")
@click.argument("key")
@click.option("--language", help=_LANGUAGE_HELP)
def config_unset(key: str, language: str | None) -> None:
    """Forget KEY: the routine's value (or the default) applies again."""
    from voiceguide import api

    table = _language(language)
    options = remembered_options()
    if key not in options:
        try:
            check(key, "", options)
        except click.BadParameter as error:
            raise OptionError(f"{key}: {error.message}") from None
    path = api.settings_path()
    if api.forget_setting(path, key, table):
        click.echo(f"forgot {_label(key, table)} (in {path})")
    else:
        click.echo(f"{_label(key, table)} was not set (in {path})")


@config.command(name="show")
def config_show() -> None:
    """Every setting the file can hold: its value and line, or where the value comes from instead."""
    from voiceguide import api

    path = api.settings_path()
    read_remembered(remembered_options(), path)  # a bad file: every problem, located, exit 2
    entries = api.settings_entries(path)
    click.echo(f"settings file: {path}{'' if path.exists() else ' (none yet)'}")
    width = max(len(entry.name) for entry in entries) if entries else 0
    width = max([width, *map(len, remembered_options())])
    given = {entry.name: entry for entry in entries}
    for key in remembered_options():
        entry = given.pop(key, None)
        if entry is None:
            click.echo(f"{key:<{width}}  (not set: the routine's, else the default)")
        else:
            click.echo(f"{key:<{width}}  {entry.value}  (line {entry.line})")
    for name, entry in sorted(given.items()):  # a language's own values
        click.echo(f"{name:<{width}}  {entry.value}  (line {entry.line}, for '{entry.language}')")


def _language(language: str | None) -> str:
    from voiceguide import api

    return "" if language is None else api.language_table(language)


def _label(key: str, table: str) -> str:
    return f"{table}.{key}" if table else key


def _stored(text: str, converted: object) -> object:
    """What the file keeps: a number as a number, a file as its absolute path, else the words
    given (loudness 'sleep' stays 'sleep')."""
    if isinstance(converted, Path):
        return str(converted.expanduser().resolve())
    if isinstance(converted, int | float) and not isinstance(converted, bool):
        for kind in (int, float):
            try:
                return kind(text)  # as written: loudness -18 stays -18, 'sleep' stays 'sleep'
            except ValueError:
                continue
        return text
    candidate = Path(text).expanduser()
    if candidate.suffix and candidate.is_file():  # a soundscape file: wherever the command runs
        return str(candidate.resolve())
    return text

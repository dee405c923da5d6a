"""The options that shape a session, shared by export, show, play and validate."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from voiceguide.routine import vocabulary

if TYPE_CHECKING:
    from voiceguide import api


F = TypeVar("F", bound=Callable[..., Any])


class FiniteRange(click.FloatRange):
    """A number in a range; NaN and infinities are refused (a NaN passes every comparison)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = click.FLOAT.convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"expected a number, got {value!r}", param, ctx)
        return super().convert(number, param, ctx)


class Loudness(click.ParamType):  # type: ignore[type-arg]  # generic only in newer click
    name = "loudness"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        if isinstance(value, float):
            return value
        low, high = vocabulary.LOUDNESS_LUFS
        if str(value) in vocabulary.LOUDNESS_PRESETS:
            return vocabulary.LOUDNESS_PRESETS[str(value)]
        try:
            level = float(value)
        except ValueError:
            self.fail(
                f"expected spoken, sleep, or a level in LUFS from {low:g} to {high:g}, got {value!r}",
                param,
                ctx,
            )
        if not low <= level <= high:
            self.fail(
                f"expected a level in LUFS from {low:g} to {high:g}, got {level:g}", param, ctx
            )
        return level


def _session_options() -> list[tuple[str, str | None, Any, str]]:
    """(flag, parameter name when not the flag's, type, help) of every option that shapes a session."""
    vocab = vocabulary
    return [
        ("--engine", None, click.Choice(vocabulary.ENGINE_NAMES),
         "Speech engine (default: the routine's, else a neural voice for its language when one is "
         "installed, else espeak)."),
        ("--voice", None, None, "Voice name, e.g. en_US-joe-medium or en-us+f3 ('voiceguide voices')."),
        ("--voice-model", None, click.Path(dir_okay=False, path_type=Path),
         "A Piper voice model file (NAME.onnx, with NAME.onnx.json beside it)."),
        ("--rate", "rate_wpm", click.IntRange(*vocab.RATE_WPM), "Speaking rate in words per minute."),
        ("--pitch", None, click.IntRange(*vocab.PITCH), "Voice pitch, 0-99 (eSpeak NG)."),
        ("--minutes", None, FiniteRange(0, vocab.MAX_SESSION_S / 60, min_open=True),
         "Stretch or shrink the silences so the guided part lasts this long."),
        ("--soundscape", None, None,
         "A bundled soundscape ('voiceguide soundscapes'), an audio file, or none."),
        ("--soundscape-gain", "soundscape_gain_db", FiniteRange(*vocab.SOUNDSCAPE_GAIN_DB),
         f"The soundscape's level against the voice, in dB (default {vocab.DEFAULT_SOUNDSCAPE_GAIN_DB:g})."),
        ("--breathing", None, click.Choice([*vocab.BREATHING_PATTERN_NAMES, "none"]),
         f"Breath tones: {', '.join(vocab.BREATHING_PATTERN_NAMES)}, or none."),
        ("--breathing-during", None, click.Choice(vocab.BREATHING_DURING),
         "Breath tones under every step, or the first and last only (default)."),
        ("--chime", None, click.Choice([*vocab.CHIME_NAMES, "none"]), "The chime between steps."),
        ("--loudness", "loudness_lufs", Loudness(),
         "spoken (-16 LUFS, the default), sleep (-20), or a level in LUFS."),
        ("--recordings", None, click.Path(file_okay=False, path_type=Path),
         "A folder of recorded lines (STEP.wav, STEP-left.wav, STEP-prompt1.wav, ...) used instead of TTS."),
        ("--linger", "linger_minutes", FiniteRange(0, vocab.MAX_LINGER_S / 60),
         "Minutes the soundscape goes on after the last words, fading out over its last minute."),
    ]  # fmt: skip


NOT_REMEMBERED = ("--recordings",)  # a routine's own folder: never one for every routine


def remembered_options() -> dict[str, click.Option]:
    """The options the settings file may set, by key (the flag without its dashes): the same
    names, types and checks as on the command line."""
    return {
        flag[2:]: click.Option((flag, name) if name else (flag,), type=kind, help=text)
        for flag, name, kind, text in _session_options()
        if flag not in NOT_REMEMBERED
    }


def session_options(command: F) -> F:
    """The options that shape a session, shared by export, show, script, play and validate."""
    for flag, name, kind, text in reversed(_session_options()):
        names = (flag, name) if name else (flag,)
        command = click.option(*names, type=kind, help=text)(command)
    return command


def options_from(**values: Any) -> api.SessionOptions:
    """The command line's options, with the settings file's values beneath them."""
    from voiceguide import api
    from voiceguide.cli.remembered import read_remembered

    return api.SessionOptions(**values, remembered=read_remembered(remembered_options()))

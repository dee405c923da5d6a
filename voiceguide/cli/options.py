"""The options that shape a session, shared by export, show, play and validate."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from voiceguide import api

F = TypeVar("F", bound=Callable[..., Any])


class Loudness(click.ParamType):  # type: ignore[type-arg]  # generic only in newer click
    name = "loudness"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        if isinstance(value, float):
            return value
        low, high = api.vocabulary.LOUDNESS_LUFS
        if str(value) in api.LOUDNESS_PRESETS:
            return api.LOUDNESS_PRESETS[str(value)]
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


def session_options(command: F) -> F:
    """The options that shape a session, shared by export, show and validate."""
    options = [
        click.option(
            "--engine",
            type=click.Choice(api.ENGINE_NAMES),
            help="Speech engine (default: the routine's, else a neural voice for its language when "
            "one is installed, else espeak).",
        ),
        click.option(
            "--voice", help="Voice name, e.g. en_US-joe-medium or en-us+f3 ('voiceguide voices')."
        ),
        click.option(
            "--voice-model",
            type=click.Path(dir_okay=False, path_type=Path),
            help="A Piper voice model file (NAME.onnx, with NAME.onnx.json beside it).",
        ),
        click.option(
            "--rate",
            "rate_wpm",
            type=click.IntRange(*api.vocabulary.RATE_WPM),
            help="Speaking rate in words per minute.",
        ),
        click.option(
            "--pitch",
            type=click.IntRange(*api.vocabulary.PITCH),
            help="Voice pitch, 0-99 (eSpeak NG).",
        ),
        click.option(
            "--minutes",
            type=click.FloatRange(0, api.vocabulary.MAX_SESSION_S / 60, min_open=True),
            help="Stretch or shrink the silences so the guided part lasts this long.",
        ),
        click.option(
            "--soundscape",
            help="A bundled soundscape ('voiceguide soundscapes'), an audio file, or none.",
        ),
        click.option(
            "--soundscape-gain",
            "soundscape_gain_db",
            type=click.FloatRange(*api.vocabulary.SOUNDSCAPE_GAIN_DB),
            help="The soundscape's level against the voice, in dB (default -18).",
        ),
        click.option("--breathing", help="Breath tones: 4-7-8, box, coherent, calm, or none."),
        click.option(
            "--breathing-during",
            type=click.Choice(api.vocabulary.BREATHING_DURING),
            help="Breath tones under every step, or the first and last only (default).",
        ),
        click.option(
            "--chime",
            type=click.Choice([*api.vocabulary.CHIME_NAMES, "none"]),
            help="The chime between steps.",
        ),
        click.option(
            "--loudness",
            "loudness_lufs",
            type=Loudness(),
            help="spoken (-16 LUFS, the default), sleep (-20), or a level in LUFS.",
        ),
        click.option(
            "--recordings",
            type=click.Path(file_okay=False, path_type=Path),
            help="A folder of recorded lines (STEP.wav, STEP-left.wav, STEP-prompt1.wav, ...) used instead of TTS.",
        ),
        click.option(
            "--linger",
            "linger_minutes",
            type=click.FloatRange(0, api.vocabulary.MAX_LINGER_S / 60),
            help="Minutes the soundscape goes on after the last words, fading out over its last minute.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def options_from(**values: Any) -> api.SessionOptions:
    return api.SessionOptions(**values)

"""Routine files -> :class:`Routine`, with every mistake reported as ``file:line: field: expected ...``."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import yaml

from voiceguide.errors import RoutineError
from voiceguide.routine import durations
from voiceguide.routine.model import (
    BUILTIN_PATTERNS,
    CHIME_NAMES,
    LOUDNESS_PRESETS,
    SOUNDSCAPE_GAIN_DB,
    Audience,
    BreathingPattern,
    Prompt,
    Routine,
    SessionBreathing,
    SoundscapeChoice,
    Step,
    StepBreathing,
    VoiceSettings,
    Where,
)
from voiceguide.routine.text import TextFormatError, check_text
from voiceguide.routine.yamlnodes import MAX_FILE_BYTES, read_nodes, too_large

ENGINE_NAMES = ("piper", "espeak", "pyttsx3")
MAX_STEPS = 200
MAX_PROMPTS = 100
MAX_TEXT_CHARS = 5_000
MAX_TITLE_CHARS = 200
MIN_STEP_S = 1.0
MAX_STEP_S = 2 * 3600.0
MAX_SESSION_S = 6 * 3600.0
MAX_LINGER_S = 2 * 3600.0
MAX_PATTERNS = 20
MAX_HOLD_S = 600.0
MAX_CYCLES = 200
RATE_WPM = (80, 450)
PITCH = (0, 99)

_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})*")
_TRUE = {"true", "yes", "on"}
_FALSE = {"false", "no", "off"}

T = TypeVar("T")


def load_routine(path: Path, *, source: str | None = None, name: str | None = None) -> Routine:
    """Read and check a routine file; raise :class:`RoutineError` naming the place of any mistake."""
    shown = source or str(path)
    try:
        if not path.is_file():  # raises OSError for a name the file system refuses
            raise RoutineError(
                shown, None, "", "expected a routine file, but there is no such file"
            )
        with path.open("rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            if size > MAX_FILE_BYTES:  # a huge file is never read
                raise RoutineError(shown, None, "", too_large(size))
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise RoutineError(shown, None, "", f"cannot read the file: {error.strerror}") from None
    return parse_routine(data, source=shown, name=name or path.stem, folder=str(path.parent))


def parse_routine(data: bytes, *, source: str, name: str, folder: str = ".") -> Routine:
    """Check routine text (``source`` names it in errors) and build the routine.

    Relative paths in the routine (a soundscape file) resolve against ``folder``.
    """
    node = read_nodes(data, lambda line, message: RoutineError(source, line, "", message))
    if node is None:
        raise RoutineError(
            source, 1, "", "expected a routine with title and steps, got an empty file"
        )
    return _Reader(source).routine(node, name, folder)


class _Reader:
    """Walks the node tree; each method checks one kind of value and says where it went wrong."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.patterns: dict[str, BreathingPattern] = dict(BUILTIN_PATTERNS)

    def fail(self, node: yaml.Node, field: str, message: str) -> RoutineError:
        return RoutineError(self.source, node.start_mark.line + 1, field, message)

    def where(self, node: yaml.Node, field: str) -> Where:
        return Where(self.source, node.start_mark.line + 1, field)

    # -- containers ---------------------------------------------------------------------------
    def mapping(
        self, node: yaml.Node, field: str, required: tuple[str, ...], optional: tuple[str, ...]
    ) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, field, f"expected a mapping of fields, got {_kind(node)}")
        known = required + optional
        values: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(
                    key_node,
                    field or "routine",
                    f"expected field names, got {_kind(key_node)} as a key",
                )
            key = str(key_node.value)
            path = _join(field, key)
            if key not in known:
                hint = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
                suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
                expected = ", ".join(known)
                raise self.fail(
                    key_node, path, f"unknown field{suggestion}; expected one of: {expected}"
                )
            if key in values:
                raise self.fail(key_node, path, "this field is given twice")
            values[key] = value_node
        for key in required:
            if key not in values:
                raise self.fail(node, field or "routine", f"missing field '{key}'")
        return values

    def sequence(self, node: yaml.Node, field: str, most: int) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, field, f"expected a list, got {_kind(node)}")
        if not node.value:
            raise self.fail(node, field, "expected at least one entry, got an empty list")
        if len(node.value) > most:
            raise self.fail(node, field, f"expected at most {most} entries, got {len(node.value)}")
        return list(node.value)

    # -- scalars ------------------------------------------------------------------------------
    def scalar(self, node: yaml.Node, field: str, expected: str) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, field, f"expected {expected}, got {_kind(node)}")
        if node.tag.endswith(":null") and not node.style:  # plain `key:` or `key: null`
            raise self.fail(node, field, f"expected {expected}, got nothing")
        return str(node.value)

    def text(self, node: yaml.Node, field: str, most: int = MAX_TEXT_CHARS) -> str:
        value = self.scalar(node, field, "text").strip()
        if not value:
            raise self.fail(node, field, "expected text, got an empty string")
        if len(value) > most:
            raise self.fail(
                node, field, f"expected at most {most:,} characters, got {len(value):,}"
            )
        return value

    def spoken(self, node: yaml.Node, field: str, *, each_hand: bool) -> str:
        value = self.text(node, field)
        try:
            check_text(value, allow_hand=each_hand)
        except TextFormatError as error:
            raise self.fail(node, field, str(error)) from None
        return value

    def choice(self, node: yaml.Node, field: str, choices: tuple[str, ...]) -> str:
        value = self.scalar(node, field, "one of " + ", ".join(choices))
        if value not in choices:
            raise self.fail(
                node, field, f"expected one of {', '.join(choices)}, got '{_short(value)}'"
            )
        return value

    def pattern(self, node: yaml.Node, field: str, regex: re.Pattern[str], expected: str) -> str:
        value = self.scalar(node, field, expected)
        if not regex.fullmatch(value):
            raise self.fail(node, field, f"expected {expected}, got '{_short(value)}'")
        return value

    def integer(self, node: yaml.Node, field: str, bounds: tuple[int, int]) -> int:
        low, high = bounds
        expected = f"a whole number from {low} to {high}"
        value = self.scalar(node, field, expected)
        if not re.fullmatch(r"[+-]?[0-9]+", value.strip(), re.ASCII):
            raise self.fail(node, field, f"expected {expected}, got '{_short(value)}'")
        number = int(value)
        if not low <= number <= high:
            raise self.fail(node, field, f"expected {expected}, got {number}")
        return number

    def boolean(self, node: yaml.Node, field: str) -> bool:
        value = self.scalar(node, field, "true or false")
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise self.fail(node, field, f"expected true or false, got '{_short(value)}'")

    def duration(self, node: yaml.Node, field: str, low_s: float, high_s: float) -> float:
        value = self.scalar(node, field, durations.EXPECTED)
        try:
            seconds = durations.parse_duration_s(value)
        except ValueError:
            raise self.fail(
                node, field, f"expected {durations.EXPECTED}, got '{_short(value)}'"
            ) from None
        if not low_s <= seconds <= high_s:
            span = f"{_span(low_s)} and {_span(high_s)}"
            raise self.fail(
                node, field, f"expected a duration between {span}, got '{_short(value)}'"
            )
        return seconds

    # -- the routine --------------------------------------------------------------------------
    def routine(self, node: yaml.Node, name: str, folder: str) -> Routine:
        optional = (
            "voice", "soundscape", "breathing", "breathing_patterns", "chime", "linger", "wind_down", "loudness",
            "collection", "recordings", "listen",
        )  # fmt: skip
        fields = self.mapping(
            node, "", ("title", "description", "audience", "language", "steps"), optional
        )
        if "breathing_patterns" in fields:
            self.custom_patterns(fields["breathing_patterns"])
        steps_node = fields["steps"]
        steps = tuple(
            self.step(step_node, f"steps[{index}]")
            for index, step_node in enumerate(self.sequence(steps_node, "steps", MAX_STEPS))
        )
        seen: dict[str, int] = {}
        for index, step in enumerate(steps):
            if step.id in seen:
                raise RoutineError(
                    self.source, step.id_where.line, f"steps[{index}].id",
                    f"expected a unique id, but '{step.id}' is also steps[{seen[step.id]}].id",
                )  # fmt: skip
            seen[step.id] = index
        routine = Routine(
            name=name,
            source=self.source,
            title=self.text(fields["title"], "title", MAX_TITLE_CHARS),
            description=self.text(fields["description"], "description"),
            audience=Audience(self.choice(fields["audience"], "audience", ("self", "partner"))),
            language=self.pattern(
                fields["language"], "language", _LANGUAGE, "a language code like 'en' or 'en-us'"
            ),
            voice=self.voice(fields["voice"]) if "voice" in fields else VoiceSettings(),
            steps=steps,
            folder=folder,
            language_where=self.where(fields["language"], "language"),
            soundscape=self._opt(fields, "soundscape", self.soundscape),
            breathing=self._opt(fields, "breathing", self.session_breathing),
            chime=self.chime(fields["chime"]) if "chime" in fields else "bell",
            linger_s=self._opt(
                fields, "linger", lambda n: self.duration(n, "linger", 0.0, MAX_LINGER_S)
            )
            or 0.0,
            wind_down_s=self._opt(
                fields, "wind_down", lambda n: self.duration(n, "wind_down", 0.0, MAX_SESSION_S)
            )
            or 0.0,
            loudness_lufs=self._opt(fields, "loudness", self.loudness),
            collection=self._opt(
                fields, "collection", lambda n: self.text(n, "collection", MAX_TITLE_CHARS)
            ),
            recordings=self._opt(fields, "recordings", lambda n: self.text(n, "recordings", 500)),
            listen=bool(self._opt(fields, "listen", lambda n: self.boolean(n, "listen"))),
        )
        if routine.steps_s > MAX_SESSION_S:
            raise self.fail(
                steps_node, "steps",
                f"expected at most {_span(MAX_SESSION_S)} in all, got {_span(routine.steps_s)}",
            )  # fmt: skip
        return routine

    def voice(self, node: yaml.Node) -> VoiceSettings:
        fields = self.mapping(node, "voice", (), ("engine", "name", "rate_wpm", "pitch"))
        return VoiceSettings(
            engine=self._opt(
                fields, "engine", lambda n: self.choice(n, "voice.engine", ENGINE_NAMES)
            ),
            name=self._opt(fields, "name", self.voice_name),
            rate_wpm=self._opt(
                fields, "rate_wpm", lambda n: self.integer(n, "voice.rate_wpm", RATE_WPM)
            ),
            pitch=self._opt(fields, "pitch", lambda n: self.integer(n, "voice.pitch", PITCH)),
            name_where=self.where(fields["name"], "voice.name") if "name" in fields else None,
        )

    def voice_name(self, node: yaml.Node) -> str:
        """A voice's name, never a file: only the user loads a model file (--voice-model)."""
        name = self.text(node, "voice.name", 100)
        if name.lower().endswith(".onnx") or "/" in name or "\\" in name:
            raise self.fail(
                node, "voice.name",
                "expected the name of an installed voice ('voiceguide voices'), not a file; "
                "a voice model file is given with --voice-model",
            )  # fmt: skip
        return name

    def soundscape(self, node: yaml.Node) -> SoundscapeChoice:
        fields = self.mapping(node, "soundscape", ("name",), ("gain_db",))
        low, high = SOUNDSCAPE_GAIN_DB
        return SoundscapeChoice(
            name=self.text(fields["name"], "soundscape.name", 500),
            gain_db=self._opt(
                fields, "gain_db", lambda n: self.number(n, "soundscape.gain_db", low, high)
            ),
            where=self.where(fields["name"], "soundscape.name"),
        )

    def chime(self, node: yaml.Node) -> str | None:
        value = self.choice(node, "chime", (*CHIME_NAMES, "none"))
        return None if value == "none" else value

    def loudness(self, node: yaml.Node) -> float:
        value = self.scalar(node, "loudness", "a preset (spoken, sleep) or a level in LUFS")
        if value in LOUDNESS_PRESETS:
            return LOUDNESS_PRESETS[value]
        return self.number(
            node, "loudness", -35.0, -10.0, expected="spoken, sleep, or a level in LUFS"
        )

    def custom_patterns(self, node: yaml.Node) -> None:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(
                node,
                "breathing_patterns",
                f"expected a mapping of named patterns, got {_kind(node)}",
            )
        if len(node.value) > MAX_PATTERNS:
            raise self.fail(node, "breathing_patterns", f"expected at most {MAX_PATTERNS} patterns")
        for key_node, value_node in node.value:
            name = self.pattern(
                key_node,
                "breathing_patterns",
                _ID,
                "a pattern name of lowercase letters, digits and '-'",
            )
            field = f"breathing_patterns.{name}"
            if name in self.patterns:
                raise self.fail(key_node, field, "this pattern name is already taken")
            fields = self.mapping(value_node, field, ("in", "out"), ("hold", "rest"))
            seconds = {
                key: self.duration(
                    fields[key], f"{field}.{key}", 0.5 if key in ("in", "out") else 0.0, 60.0
                )
                for key in fields
            }
            self.patterns[name] = BreathingPattern(
                name,
                seconds["in"],
                seconds.get("hold", 0.0),
                seconds["out"],
                seconds.get("rest", 0.0),
            )

    def breathing_pattern(self, node: yaml.Node, field: str) -> BreathingPattern:
        name = self.scalar(node, field, "a breathing pattern name")
        if name not in self.patterns:
            hint = difflib.get_close_matches(name, self.patterns, n=1, cutoff=0.6)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
            known = ", ".join(self.patterns)
            raise self.fail(
                node,
                field,
                f"unknown breathing pattern '{_short(name)}'{suggestion}; expected one of: {known}",
            )
        return self.patterns[name]

    def session_breathing(self, node: yaml.Node) -> SessionBreathing:
        fields = self.mapping(node, "breathing", ("pattern",), ("during",))
        during = (
            self.choice(fields["during"], "breathing.during", ("all", "edges"))
            if "during" in fields
            else "edges"
        )
        return SessionBreathing(
            self.breathing_pattern(fields["pattern"], "breathing.pattern"), during
        )

    def step_breathing(self, node: yaml.Node, field: str) -> StepBreathing:
        fields = self.mapping(node, field, ("pattern", "cycles"), ("spoken",))
        cycles = self.integer(fields["cycles"], f"{field}.cycles", (1, MAX_CYCLES))
        spoken = (
            self.integer(fields["spoken"], f"{field}.spoken", (0, cycles))
            if "spoken" in fields
            else min(2, cycles)
        )
        return StepBreathing(
            self.breathing_pattern(fields["pattern"], f"{field}.pattern"), cycles, spoken
        )

    def number(
        self, node: yaml.Node, field: str, low: float, high: float, expected: str | None = None
    ) -> float:
        wanted = expected or f"a number from {low:g} to {high:g}"
        value = self.scalar(node, field, wanted)
        if not re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", value.strip(), re.ASCII):
            raise self.fail(node, field, f"expected {wanted}, got '{_short(value)}'")
        number = float(value)
        if not low <= number <= high:
            raise self.fail(node, field, f"expected {wanted}, got {number:g}")
        return number

    def step(self, node: yaml.Node, field: str) -> Step:
        fields = self.mapping(
            node,
            field,
            ("id", "title", "say", "duration"),
            ("prompts", "each_hand", "switch_say", "breathe", "hold"),
        )
        each_hand = (
            self.boolean(fields["each_hand"], f"{field}.each_hand")
            if "each_hand" in fields
            else False
        )
        duration_s = self.duration(fields["duration"], f"{field}.duration", MIN_STEP_S, MAX_STEP_S)
        prompts: tuple[Prompt, ...] = ()
        if "prompts" in fields:
            prompts = self.prompts(fields["prompts"], f"{field}.prompts", duration_s, each_hand)
        switch_text = None
        if "switch_say" in fields:
            if not each_hand:
                raise self.fail(
                    fields["switch_say"], f"{field}.switch_say", "only used with 'each_hand: true'"
                )
            switch_text = self.spoken(fields["switch_say"], f"{field}.switch_say", each_hand=True)
        return Step(
            id=self.pattern(
                fields["id"], f"{field}.id", _ID, "an id of lowercase letters, digits and '-'"
            ),
            title=self.text(fields["title"], f"{field}.title", MAX_TITLE_CHARS),
            text=self.spoken(fields["say"], f"{field}.say", each_hand=each_hand),
            duration_s=duration_s,
            prompts=prompts,
            each_hand=each_hand,
            switch_text=switch_text,
            breathe=self.step_breathing(fields["breathe"], f"{field}.breathe")
            if "breathe" in fields
            else None,
            hold_s=self.duration(fields["hold"], f"{field}.hold", 1.0, MAX_HOLD_S)
            if "hold" in fields
            else None,
            where=self.where(fields["duration"], f"{field}.duration"),
            id_where=self.where(fields["id"], f"{field}.id"),
            say_where=self.where(fields["say"], f"{field}.say"),
        )

    def prompts(
        self, node: yaml.Node, field: str, step_s: float, each_hand: bool
    ) -> tuple[Prompt, ...]:
        prompts: list[Prompt] = []
        for index, item in enumerate(self.sequence(node, field, MAX_PROMPTS)):
            path = f"{field}[{index}]"
            fields = self.mapping(item, path, ("at", "say"), ())
            at_s = self.duration(fields["at"], f"{path}.at", 0.0, MAX_STEP_S)
            if at_s >= step_s:
                raise self.fail(
                    fields["at"], f"{path}.at",
                    f"expected a time inside the step (before {_span(step_s)}), got {_span(at_s)}",
                )  # fmt: skip
            if prompts and at_s <= prompts[-1].at_s:
                raise self.fail(
                    fields["at"], f"{path}.at",
                    f"expected prompts in time order, after {_span(prompts[-1].at_s)}, got {_span(at_s)}",
                )  # fmt: skip
            text = self.spoken(fields["say"], f"{path}.say", each_hand=each_hand)
            prompts.append(Prompt(at_s, text, self.where(fields["at"], f"{path}.at")))
        return tuple(prompts)

    @staticmethod
    def _opt(fields: dict[str, yaml.Node], key: str, read: Callable[[yaml.Node], T]) -> T | None:
        return read(fields[key]) if key in fields else None


def _join(field: str, key: str) -> str:
    return f"{field}.{key}" if field else key


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f"'{_short(str(node.value))}'"


def _short(value: str, most: int = 40) -> str:
    flat = " ".join(value.split())
    return flat if len(flat) <= most else flat[: most - 1] + "…"


def _span(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds / 3600:g} h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:g} min"
    return f"{seconds:g} s"

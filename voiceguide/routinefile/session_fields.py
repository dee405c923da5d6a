"""Reading a routine's session settings: the voice, soundscape, chime, loudness and breathing
patterns (the steps and the routine itself are read in :mod:`voiceguide.routinefile.load`)."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import yaml

from voiceguide.routine.model import (
    BUILTIN_PATTERNS,
    CHIME_NAMES,
    LOUDNESS_PRESETS,
    SOUNDSCAPE_GAIN_DB,
    BreathingPattern,
    SessionBreathing,
    SoundscapeChoice,
    StepBreathing,
    VoiceSettings,
)
from voiceguide.routine.vocabulary import (
    BREATHING_DURING,
    DEFAULT_BREATHING_DURING,
    ENGINE_NAMES,
    LOUDNESS_LUFS,
    PITCH,
    RATE_WPM,
)
from voiceguide.routinefile.reader import NodeReader, kind, short

MAX_PATTERNS = 20
MAX_CYCLES = 200
PATTERN_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


class SettingsReader(NodeReader):
    """The session-wide fields; knows the breathing patterns (built in, and the routine's own)."""

    def __init__(self, source: str) -> None:
        super().__init__(source)
        self.folder = "."  # the routine's folder: relative paths must stay in it
        self.patterns: dict[str, BreathingPattern] = dict(BUILTIN_PATTERNS)

    def voice(self, node: yaml.Node) -> VoiceSettings:
        fields = self.mapping(node, "voice", (), ("engine", "name", "rate_wpm", "pitch"))
        return VoiceSettings(
            engine=self.field(
                fields, "engine", lambda n: self.choice(n, "voice.engine", ENGINE_NAMES)
            ),
            name=self.field(fields, "name", self.voice_name),
            rate_wpm=self.field(
                fields, "rate_wpm", lambda n: self.integer(n, "voice.rate_wpm", RATE_WPM)
            ),
            pitch=self.field(fields, "pitch", lambda n: self.integer(n, "voice.pitch", PITCH)),
            name_where=self.where(fields["name"], "voice.name") if "name" in fields else None,
        )

    def voice_name(self, node: yaml.Node) -> str:
        """A voice's name, never a file: only the user loads a model file (--voice-model)."""
        name = self.text(node, "voice.name", 100, one_line=True)
        if name.lower().endswith(".onnx") or "/" in name or "\\" in name:
            raise self.fail(
                node, "voice.name",
                "expected the name of an installed voice ('voiceguide voices'), not a file; "
                "a voice model file is given with --voice-model",
            )  # fmt: skip
        return name

    def inside(self, node: yaml.Node, field: str, path: str) -> str:
        """``path`` itself, when it is absolute or stays in the routine's folder (symbolic links
        followed): a shared routine must not read the files around it."""
        given = Path(path).expanduser()
        if given.is_absolute():
            return path
        folder = Path(self.folder).resolve()
        if not (folder / given).resolve().is_relative_to(folder):
            raise self.fail(
                node, field, "expected a path inside the routine's folder "
                f"(or an absolute path), got '{path[:40]}'",
            )  # fmt: skip
        return path

    def soundscape(self, node: yaml.Node) -> SoundscapeChoice:
        fields = self.mapping(node, "soundscape", ("name",), ("gain_db",))
        low, high = SOUNDSCAPE_GAIN_DB
        return SoundscapeChoice(
            name=self.inside(
                fields["name"],
                "soundscape.name",
                self.text(fields["name"], "soundscape.name", 500, one_line=True),
            ),
            gain_db=self.field(
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
            node, "loudness", *LOUDNESS_LUFS, expected="spoken, sleep, or a level in LUFS"
        )

    def custom_patterns(self, node: yaml.Node) -> None:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(
                node,
                "breathing_patterns",
                f"expected a mapping of named patterns, got {kind(node)}",
            )
        if len(node.value) > MAX_PATTERNS:
            raise self.fail(node, "breathing_patterns", f"expected at most {MAX_PATTERNS} patterns")
        for key_node, value_node in node.value:
            name = self.pattern(
                key_node,
                "breathing_patterns",
                PATTERN_NAME,
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
                f"unknown breathing pattern '{short(name)}'{suggestion}; expected one of: {known}",
            )
        return self.patterns[name]

    def session_breathing(self, node: yaml.Node) -> SessionBreathing:
        fields = self.mapping(node, "breathing", ("pattern",), ("during",))
        during = (
            self.choice(fields["during"], "breathing.during", BREATHING_DURING)
            if "during" in fields
            else DEFAULT_BREATHING_DURING
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

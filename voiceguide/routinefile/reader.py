"""Reading typed values out of YAML nodes, each mistake a located :class:`RoutineError`; mistakes
are collected (:meth:`NodeReader.attempt`) so that one run reports every one of them."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import TypeVar

import yaml

from voiceguide.errors import RoutineError, RoutineProblemsError
from voiceguide.routine import durations
from voiceguide.routine.model import Where
from voiceguide.timetext import span
from voiceguide.untrusted import is_control as _any_control
from voiceguide.untrusted import shown

MAX_TEXT_CHARS = 5_000
MAX_PROBLEMS = 20
_TRUE = {"true", "yes", "on"}
_FALSE = {"false", "no", "off"}

T = TypeVar("T")


class AlreadyNotedError(Exception):
    """A value cannot be built; its mistakes are already noted."""


class NodeReader:
    """Each method checks one kind of value and raises a located error; :meth:`attempt` notes it
    instead, so reading goes on to the next field."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[RoutineError] = []

    def fail(self, node: yaml.Node, field: str, message: str) -> RoutineError:
        return RoutineError(self.source, node.start_mark.line + 1, field, message)

    def where(self, node: yaml.Node, field: str) -> Where:
        return Where(self.source, node.start_mark.line + 1, field)

    def note(self, error: RoutineError) -> None:
        self.problems.append(error)

    def attempt(self, read: Callable[[], T]) -> T | None:
        """``read()``, or ``None`` with its mistake noted."""
        try:
            return read()
        except RoutineError as error:
            self.note(error)
            return None
        except AlreadyNotedError:
            return None

    def field(
        self, fields: dict[str, yaml.Node], key: str, read: Callable[[yaml.Node], T]
    ) -> T | None:
        """The field read, or ``None`` when it is absent or wrong (then noted)."""
        if key not in fields:
            return None
        node = fields[key]
        return self.attempt(lambda: read(node))

    def raise_problems(self) -> None:
        """Raise what was noted: one error as itself, several (in file order) together."""
        if not self.problems:
            return
        ordered = sorted(self.problems, key=lambda error: error.line or 0)
        if len(ordered) == 1:
            raise ordered[0]
        raise RoutineProblemsError(tuple(ordered[:MAX_PROBLEMS]), len(ordered) - MAX_PROBLEMS)

    # -- containers ---------------------------------------------------------------------------
    def mapping(
        self,
        node: yaml.Node,
        field: str,
        required: tuple[str, ...],
        optional: tuple[str, ...],
        *,
        partial: bool = False,
    ) -> dict[str, yaml.Node]:
        """The fields given; an unknown, repeated or missing field is noted, the rest are kept.
        A missing required field then raises :class:`AlreadyNotedError`, unless ``partial`` (the caller copes)."""
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, field, f"expected a mapping of fields, got {kind(node)}")
        known = required + optional
        values: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.note(
                    self.fail(
                        key_node, field or "routine", f"expected field names, got {kind(key_node)} as a key"
                    )
                )  # fmt: skip
                continue
            key = str(key_node.value)
            path = join(field, key)
            if key not in known:
                hint = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
                suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
                expected = ", ".join(known)
                self.note(
                    self.fail(key_node, path, f"unknown field{suggestion}; expected one of: {expected}")
                )  # fmt: skip
            elif key in values:
                self.note(self.fail(key_node, path, "this field is given twice"))
            else:
                values[key] = value_node
        missing = [key for key in required if key not in values]
        for key in missing:
            self.note(self.fail(node, field or "routine", f"missing field '{key}'"))
        if missing and not partial:
            raise AlreadyNotedError()
        return values

    def sequence(self, node: yaml.Node, field: str, most: int) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, field, f"expected a list, got {kind(node)}")
        if not node.value:
            raise self.fail(node, field, "expected at least one entry, got an empty list")
        if len(node.value) > most:
            raise self.fail(node, field, f"expected at most {most} entries, got {len(node.value)}")
        return list(node.value)

    # -- scalars ------------------------------------------------------------------------------
    def scalar(self, node: yaml.Node, field: str, expected: str) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, field, f"expected {expected}, got {kind(node)}")
        if node.tag.endswith(":null") and not node.style:  # plain `key:` or `key: null`
            raise self.fail(node, field, f"expected {expected}, got nothing")
        value = str(node.value)
        control = next((char for char in value if is_control(char)), None)
        if control is not None:  # written as an escape ("\e[2J"): the raw form is refused earlier
            raise self.fail(
                node, field, f"expected text, got the control character U+{ord(control):04X}"
            )
        return value

    def text(
        self, node: yaml.Node, field: str, most: int = MAX_TEXT_CHARS, *, one_line: bool = False
    ) -> str:
        """Text, stripped; ``one_line`` (a title, a name): no line break or tab either, since a
        title is written where a line break starts a new entry (a playlist, a tag, a feed)."""
        value = self.scalar(node, field, "text").strip()
        if not value:
            raise self.fail(node, field, "expected text, got an empty string")
        if one_line:
            breaking = next((char for char in value if _any_control(char)), None)
            if breaking is not None:
                raise self.fail(
                    node, field,
                    f"expected one line of text, got the control character U+{ord(breaking):04X}",
                )  # fmt: skip
        if len(value) > most:
            raise self.fail(
                node, field, f"expected at most {most:,} characters, got {len(value):,}"
            )
        return value

    def choice(self, node: yaml.Node, field: str, choices: tuple[str, ...]) -> str:
        value = self.scalar(node, field, "one of " + ", ".join(choices))
        if value not in choices:
            raise self.fail(
                node, field, f"expected one of {', '.join(choices)}, got '{short(value)}'"
            )
        return value

    def pattern(self, node: yaml.Node, field: str, regex: re.Pattern[str], expected: str) -> str:
        value = self.scalar(node, field, expected)
        if not regex.fullmatch(value):
            raise self.fail(node, field, f"expected {expected}, got '{short(value)}'")
        return value

    def integer(self, node: yaml.Node, field: str, bounds: tuple[int, int]) -> int:
        low, high = bounds
        expected = f"a whole number from {low} to {high}"
        value = self.scalar(node, field, expected)
        if not re.fullmatch(r"[+-]?[0-9]+", value.strip(), re.ASCII):
            raise self.fail(node, field, f"expected {expected}, got '{short(value)}'")
        number = int(value)
        if not low <= number <= high:
            raise self.fail(node, field, f"expected {expected}, got {number}")
        return number

    def number(
        self, node: yaml.Node, field: str, low: float, high: float, expected: str | None = None
    ) -> float:
        wanted = expected or f"a number from {low:g} to {high:g}"
        value = self.scalar(node, field, wanted)
        if not re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", value.strip(), re.ASCII):
            raise self.fail(node, field, f"expected {wanted}, got '{short(value)}'")
        number = float(value)
        if not low <= number <= high:
            raise self.fail(node, field, f"expected {wanted}, got {number:g}")
        return number

    def boolean(self, node: yaml.Node, field: str) -> bool:
        value = self.scalar(node, field, "true or false")
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise self.fail(node, field, f"expected true or false, got '{short(value)}'")

    def duration(self, node: yaml.Node, field: str, low_s: float, high_s: float) -> float:
        value = self.scalar(node, field, durations.EXPECTED)
        try:
            seconds = durations.parse_duration_s(value)
        except ValueError:
            raise self.fail(
                node, field, f"expected {durations.EXPECTED}, got '{short(value)}'"
            ) from None
        if not low_s <= seconds <= high_s:
            range_text = f"{span(low_s)} and {span(high_s)}"
            raise self.fail(
                node, field, f"expected a duration between {range_text}, got '{short(value)}'"
            )
        return seconds


def join(field: str, key: str) -> str:
    return f"{field}.{key}" if field else key


def kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f"'{short(str(node.value))}'"


def is_control(char: str) -> bool:
    """Control characters refused in any text (terminal escapes, bells, Unicode line separators,
    bidirectional controls): all of :func:`voiceguide.untrusted.is_control` except tab and the
    line breaks of a multi-line text (``say: |``)."""
    return char not in "\t\n\r" and _any_control(char)


def short(value: str, most: int = 40) -> str:
    """A value quoted in an error: one line, control characters shown as escapes, at most
    ``most`` characters."""
    return shown(value, most)

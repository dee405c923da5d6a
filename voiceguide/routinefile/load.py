"""Routine files -> :class:`Routine`, with every mistake reported as ``file:line: field: expected ...``."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import partial
from pathlib import Path

import yaml

from voiceguide.errors import RoutineError
from voiceguide.routine.model import (
    Audience,
    Prompt,
    Routine,
    Step,
    VoiceSettings,
    Where,
)
from voiceguide.routine.naming import derived_id, derived_title
from voiceguide.routine.text import TextFormatError, check_text
from voiceguide.routine.vocabulary import ENGINE_NAMES as ENGINE_NAMES
from voiceguide.routine.vocabulary import MAX_LINGER_S, MAX_SESSION_S
from voiceguide.routine.words import ENGLISH, Words, words_for
from voiceguide.routinefile.session_fields import SettingsReader
from voiceguide.routinefile.wordsmap import missing_breath_words, missing_words, read_words
from voiceguide.routinefile.yamlnodes import file_bytes, read_nodes
from voiceguide.timetext import span

MAX_STEPS = 200
MAX_PROMPTS = 100
MAX_TITLE_CHARS = 200
MIN_STEP_S = 1.0
MAX_STEP_S = 2 * 3600.0
MAX_HOLD_S = 600.0

_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})*")
_NOUN = re.compile(r"[^\W\d_][\w-]{0,31}")


def load_routine(path: Path, *, source: str | None = None, name: str | None = None) -> Routine:
    """Read and check a routine file; raise :class:`RoutineError` naming the place of any mistake."""
    shown = source or str(path)
    data = file_bytes(path, shown)
    return parse_routine(data, source=shown, name=name or path.stem, folder=str(path.parent))


def parse_routine(data: bytes, *, source: str, name: str, folder: str = ".") -> Routine:
    """Check routine text (``source`` names it in errors) and build the routine.

    Relative paths in the routine (a soundscape file) resolve against ``folder``.
    """
    routine, reader = read_tree(data, source=source, name=name, folder=folder, lenient=False)
    reader.raise_problems()
    assert routine is not None
    return routine


def read_tree(
    data: bytes, *, source: str, name: str, folder: str, lenient: bool
) -> tuple[Routine | None, _Reader]:
    node = read_nodes(data, lambda line, message: RoutineError(source, line, "", message))
    if node is None:
        raise RoutineError(
            source, 1, "", "expected a routine with title and steps, got an empty file"
        )
    reader = _Reader(source, lenient=lenient)
    return reader.attempt(lambda: reader.routine(node, name, folder)), reader


class _Reader(SettingsReader):
    """Walks the node tree; every mistake is noted with its place and reading goes on."""

    def title(self, node: yaml.Node, field: str) -> str:
        """A title (of the routine, a step, a collection): one line of text."""
        return self.text(node, field, MAX_TITLE_CHARS, one_line=True)

    def __init__(self, source: str, *, lenient: bool = False) -> None:
        super().__init__(source)
        self.words: Words = ENGLISH
        self.audience = Audience.SELF
        self.lenient = lenient  # build the routine from its right parts, mistakes noted

    def spoken(self, node: yaml.Node, field: str, *, each_hand: bool) -> str:
        value = self.text(node, field)
        try:
            check_text(value, allow_hand=each_hand)
        except TextFormatError as error:
            raise self.fail(node, field, str(error)) from None
        return value

    # -- the routine --------------------------------------------------------------------------
    def routine(self, node: yaml.Node, name: str, folder: str) -> Routine | None:
        self.folder = folder
        optional = (
            "description", "audience", "language", "voice", "soundscape", "breathing", "breathing_patterns",
            "chime", "linger", "wind_down", "loudness", "collection", "recordings", "words", "listen",
        )  # fmt: skip
        fields = self.mapping(node, "", ("title", "steps"), optional, partial=True)
        if "breathing_patterns" in fields:
            self.attempt(lambda: self.custom_patterns(fields["breathing_patterns"]))
        title = self.field(fields, "title", lambda n: self.title(n, "title"))
        audience = self.field(
            fields, "audience", lambda n: Audience(self.choice(n, "audience", ("self", "partner")))
        )
        self.audience = audience or Audience.SELF
        expected = "a language code like 'en' or 'en-us'"
        language = self.field(
            fields, "language", lambda n: self.pattern(n, "language", _LANGUAGE, expected)
        )
        self.words = words_for(language or "en")
        if "words" in fields:
            self.words = read_words(self, fields["words"], self.words)
        steps = self.field(fields, "steps", self.steps)
        description = self.field(fields, "description", lambda n: self.text(n, "description"))
        if not self.lenient and (
            title is None or steps is None or ("language" in fields and language is None)
        ):
            self.field(fields, "voice", self.voice)  # every mistake in one run
            return None
        if steps is None:
            self.field(fields, "voice", self.voice)
            return None
        routine = Routine(
            name=name,
            source=self.source,
            title=title or name,
            description=description or "",
            audience=self.audience,
            language=language or "en",
            voice=self.field(fields, "voice", self.voice) or VoiceSettings(),
            steps=steps,
            folder=folder,
            language_where=self.where(fields["language"], "language") if language else None,
            soundscape=self.field(fields, "soundscape", self.soundscape),
            breathing=self.field(fields, "breathing", self.session_breathing),
            chime=self.field(fields, "chime", self.chime) if "chime" in fields else "bell",
            linger_s=self.field(
                fields, "linger", lambda n: self.duration(n, "linger", 0.0, MAX_LINGER_S)
            )
            or 0.0,
            wind_down_s=self.field(
                fields, "wind_down", lambda n: self.duration(n, "wind_down", 0.0, MAX_SESSION_S)
            )
            or 0.0,
            loudness_lufs=self.field(fields, "loudness", self.loudness),
            collection=self.field(fields, "collection", lambda n: self.title(n, "collection")),
            recordings=self.field(
                fields,
                "recordings",
                lambda n: self.inside(
                    n, "recordings", self.text(n, "recordings", 500, one_line=True)
                ),
            ),
            words=self.words,
            listen=bool(self.field(fields, "listen", lambda n: self.boolean(n, "listen"))),
            places=self.places(fields),
        )
        if routine.steps_s > MAX_SESSION_S:
            raise self.fail(
                fields["steps"], "steps",
                f"expected at most {span(MAX_SESSION_S)} in all, got {span(routine.steps_s)}",
            )  # fmt: skip
        return routine

    def places(self, fields: dict[str, yaml.Node]) -> tuple[Where, ...]:
        """Where each session-wide field is written (for ``-v``: which line chose a setting)."""
        places = [
            self.where(fields[key], key)
            for key in ("soundscape", "breathing", "chime", "linger", "loudness")
            if key in fields
        ]
        voice = fields.get("voice")
        if isinstance(voice, yaml.MappingNode):
            places += [self.where(value, f"voice.{key.value}") for key, value in voice.value]
        return tuple(places)

    def steps(self, node: yaml.Node) -> tuple[Step, ...] | None:
        read = [
            self.checked_step(step_node, f"steps[{index}]")
            for index, step_node in enumerate(self.sequence(node, "steps", MAX_STEPS))
        ]
        given: dict[str, int] = {}
        for index, step in enumerate(read):
            if step is None or not step.id:
                continue
            if step.id in given:
                self.note(
                    RoutineError(
                        self.source, step.id_where.line, f"steps[{index}].id",
                        f"expected a unique id, but '{step.id}' is also steps[{given[step.id]}].id",
                    )
                )  # fmt: skip
            given.setdefault(step.id, index)
        if any(step is None for step in read) and not self.lenient:
            return None
        taken = set(given)
        steps = []
        for index, step in enumerate(read):
            if step is None or (step.id and given[step.id] != index):
                continue  # lenient: a step with a mistake is left out, the others are checked
            if not step.id:
                step = replace(step, id=derived_id(step.title, index, taken))
                taken.add(step.id)
            steps.append(step)
        return tuple(steps) or None

    def checked_step(self, node: yaml.Node, field: str) -> Step | None:
        """A step; when lenient, one with any mistake noted is left out (its timing is not checked)."""
        noted = len(self.problems)
        step = self.attempt(partial(self.step, node, field))
        return None if self.lenient and len(self.problems) > noted else step

    def step(self, node: yaml.Node, field: str) -> Step | None:
        optional = (
            "id",
            "title",
            "prompts",
            "each_hand",
            "each_side",
            "switch_say",
            "breathe",
            "hold",
        )
        fields = self.mapping(node, field, ("say", "duration"), optional, partial=True)
        each_hand = self.field(fields, "each_hand", lambda n: self.boolean(n, f"{field}.each_hand"))
        noun = self.field(
            fields, "each_side",
            lambda n: self.pattern(n, f"{field}.each_side", _NOUN, "a body part like foot, knee or shoulder"),
        )  # fmt: skip
        if "each_side" in fields and "each_hand" in fields:
            self.note(
                self.fail(fields["each_side"], f"{field}.each_side", "expected each_side or each_hand, not both")
            )  # fmt: skip
        per_side = bool(each_hand) or noun is not None
        duration_s = self.field(
            fields, "duration", lambda n: self.duration(n, f"{field}.duration", MIN_STEP_S, MAX_STEP_S)
        )  # fmt: skip
        prompts = self.field(
            fields, "prompts",
            lambda n: self.prompts(n, f"{field}.prompts", duration_s or MAX_STEP_S, per_side),
        )  # fmt: skip
        switch_text = None
        if "switch_say" in fields and not per_side:
            self.note(
                self.fail(
                    fields["switch_say"], f"{field}.switch_say",
                    "only used with 'each_hand: true' or 'each_side: NOUN'",
                )
            )  # fmt: skip
        elif "switch_say" in fields:
            switch_text = self.field(
                fields, "switch_say", lambda n: self.spoken(n, f"{field}.switch_say", each_hand=True)
            )  # fmt: skip
        text = self.field(
            fields, "say", lambda n: self.spoken(n, f"{field}.say", each_hand=per_side)
        )
        breathe = self.field(
            fields, "breathe", lambda n: self.step_breathing(n, f"{field}.breathe")
        )
        if per_side:
            key = "each_side" if noun is not None else "each_hand"
            wanted = self.words.missing_for_side(
                noun or "hand", switch_text is None and "switch_say" not in fields, self.audience is Audience.PARTNER
            )  # fmt: skip
            self.want_words(fields[key], f"{field}.{key}", wanted)
        if breathe is not None and breathe.spoken_cycles:
            self.want_words(
                fields["breathe"], f"{field}.breathe", missing_breath_words(self.words, breathe)
            )
        ident = self.field(
            fields, "id", lambda n: self.pattern(n, f"{field}.id", _ID, "an id of lowercase letters, digits and '-'")
        )  # fmt: skip
        title = self.field(fields, "title", lambda n: self.title(n, f"{field}.title"))
        hold_s = self.field(
            fields, "hold", lambda n: self.duration(n, f"{field}.hold", 1.0, MAX_HOLD_S)
        )
        if (
            text is None
            or duration_s is None
            or (fields.keys() & {"id", "title"}) - _given(ident, title)
        ):
            return None
        return Step(
            id=ident or "",  # derived from the title once every step is read
            title=title or derived_title(text),
            text=text,
            duration_s=duration_s,
            prompts=prompts or (),
            each_hand=per_side,
            switch_text=switch_text,
            breathe=breathe,
            hold_s=hold_s,
            where=self.where(fields["duration"], f"{field}.duration"),
            id_where=self.where(fields.get("id", node), f"{field}.id"),
            say_where=self.where(fields["say"], f"{field}.say"),
            side=noun or "hand",
        )

    def want_words(self, node: yaml.Node, field: str, wanted: list[str]) -> None:
        if wanted:
            self.note(self.fail(node, field, missing_words(self.words.language, wanted)))

    def prompts(
        self, node: yaml.Node, field: str, step_s: float, each_hand: bool
    ) -> tuple[Prompt, ...]:
        prompts: list[Prompt] = []
        last_at_s: float | None = None
        for index, item in enumerate(self.sequence(node, field, MAX_PROMPTS)):
            path = f"{field}[{index}]"
            fields = self.mapping(item, path, ("say",), ("at", "after"))
            if "at" not in fields and "after" not in fields:
                raise self.fail(
                    item, path,
                    "expected 'after: 4s' (a gap after the words before it) or 'at: 30s' "
                    "(not before this time in the step)",
                )  # fmt: skip
            at_s = None
            if "at" in fields:
                at_s = self.duration(fields["at"], f"{path}.at", 0.0, MAX_STEP_S)
                if at_s >= step_s:
                    raise self.fail(
                        fields["at"], f"{path}.at",
                        f"expected a time inside the step (before {span(step_s)}), got {span(at_s)}",
                    )  # fmt: skip
                if last_at_s is not None and at_s <= last_at_s:
                    raise self.fail(
                        fields["at"], f"{path}.at",
                        f"expected prompts in time order, after {span(last_at_s)}, got {span(at_s)}",
                    )  # fmt: skip
                last_at_s = at_s
            after_s = None
            if "after" in fields:
                after_s = self.duration(fields["after"], f"{path}.after", 0.0, MAX_STEP_S)
            text = self.spoken(fields["say"], f"{path}.say", each_hand=each_hand)
            key = "at" if "at" in fields else "after"
            prompts.append(Prompt(at_s, text, self.where(fields[key], f"{path}.{key}"), after_s))
        return tuple(prompts)


def _given(ident: str | None, title: str | None) -> set[str]:
    """Which of a step's id and title were read without a mistake."""
    return {key for key, value in (("id", ident), ("title", title)) if value is not None}

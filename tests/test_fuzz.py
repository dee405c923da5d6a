"""Routine files are untrusted input: any bytes, and any structurally random routine, either load
(and plan) or raise the one user-facing error with a location. Nothing else escapes.

CI runs a fixed seed and a bounded number of examples; for a longer run:
    VOICEGUIDE_FUZZ_EXAMPLES=20000 python -m pytest tests/test_fuzz.py
"""

from __future__ import annotations

import os
import re

import yaml
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from tests.fakes import fake_clip_s
from voiceguide.errors import OptionError, RoutineError
from voiceguide.routinefile import parse_routine
from voiceguide.timeline import PlanOptions, plan, spoken_lines

EXAMPLES = int(os.environ.get("VOICEGUIDE_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LOCATED = re.compile(r"^fuzz\.yaml(:\d+)?: ")


def _load_and_plan(data: bytes) -> None:
    try:
        routine = parse_routine(data, source="fuzz.yaml", name="fuzz")
        lengths = {line: fake_clip_s(line.text) for line in spoken_lines(routine)}
        plan(routine, lengths, PlanOptions.of(routine, target_s=None))
    except RoutineError as error:  # every mistake in the file, each on its own located line
        lines = str(error).splitlines()
        assert 1 <= len(lines) <= 21, str(error)
        assert all(LOCATED.match(line) for line in lines), str(error)
    except OptionError as error:  # a plan that cannot fit, with a message to show
        assert str(error) and "\n" not in str(error)


@seed(20261121)
@FUZZ
@given(st.binary(max_size=2000))
def test_any_bytes(data: bytes) -> None:
    _load_and_plan(data)


FIELD_NAMES = [
    "title", "description", "audience", "language", "steps", "voice", "soundscape", "breathing",
    "breathing_patterns", "chime", "linger", "wind_down", "loudness", "collection", "recordings",
    "id", "say", "duration", "prompts", "each_hand", "switch_say", "breathe", "hold", "at", "after", "pattern",
    "cycles", "spoken", "name", "rate_wpm", "pitch", "gain_db", "during", "in", "out", "rest", "engine",
    "each_side", "words", "sides", "breathe_in", "switch", "right", "left_title",
]  # fmt: skip
scalars = st.one_of(
    st.sampled_from(["90s", "1m30s", "2 min", "-5", "0", "abc", "true", "self", "partner", "en", "calm", "box",
                     "[pause 2s]", "{hand}", "Rest your {hand} hand.", "rain", "sleep", "", "null", "1e9"]),
    st.integers(-10, 10**6), st.floats(allow_nan=True), st.booleans(), st.none(), st.text(max_size=30),
)  # fmt: skip
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(FIELD_NAMES), children, max_size=6),
    ),
    max_leaves=25,
)


@seed(20261121)
@FUZZ
@given(st.dictionaries(st.sampled_from(FIELD_NAMES), values, max_size=10))
def test_structurally_random_routines(document: dict[str, object]) -> None:
    _load_and_plan(yaml.safe_dump(document, allow_unicode=True).encode())


@st.composite
def nearly_valid(draw: st.DrawFn) -> dict[str, object]:
    """A routine that is right but for a few random fields: reaches deeper into the checks."""
    steps = []
    for index in range(draw(st.integers(1, 4))):
        step: dict[str, object] = {
            "id": f"s{index}",
            "title": "S",
            "say": "Words to say.",
            "duration": "40s",
        }
        for key in draw(
            st.lists(
                st.sampled_from(["prompts", "each_hand", "breathe", "hold", "switch_say"]),
                max_size=3,
            )
        ):
            step[key] = draw(values)
        steps.append(step)
    routine: dict[str, object] = {
        "title": "T",
        "description": "D",
        "audience": "self",
        "language": "en",
        "steps": steps,
    }
    for key in draw(st.lists(st.sampled_from(FIELD_NAMES[5:15]), max_size=3)):
        routine[key] = draw(values)
    return routine


@seed(20261121)
@FUZZ
@given(nearly_valid())
def test_nearly_valid_routines(document: dict[str, object]) -> None:
    _load_and_plan(yaml.safe_dump(document, allow_unicode=True).encode())

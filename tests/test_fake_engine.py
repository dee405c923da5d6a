"""The fake engine, which the tests not marked ``real`` speak with: reachable through the api and
the command line (only when enabled), deterministic, and shaped like speech where the timeline and
its fitting look: lengths, pace and silent lines. The real engines have their own tests."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import DATA, FAKE, run_cli
from voiceguide import api
from voiceguide.errors import OptionError
from voiceguide.routinefile import load_bundled
from voiceguide.sound.activity import words_per_minute
from voiceguide.speech import Voice, get_engine
from voiceguide.timeline import spoken_lines


def test_a_session_is_prepared_through_the_api_with_the_fake() -> None:
    session = api.prepare(
        api.load(str(DATA / "good" / "minimal.yaml")), api.SessionOptions(engine=FAKE)
    )
    assert (session.engine, session.voice, session.engine_reason) == (
        FAKE, "fake", "chosen by --engine"
    )  # fmt: skip
    assert session.timeline.events and all(e.duration_s > 0.1 for e in session.timeline.events)


@pytest.mark.parametrize("rate_wpm", [100, 180])
def test_the_pace_heard_is_the_rate_asked(rate_wpm: int) -> None:
    engine = get_engine(FAKE)
    texts = [line.text for line in spoken_lines(load_bundled("desk-break"))]
    clips = engine.synthesize(texts, Voice("fake", rate_wpm, 40))
    audio = np.concatenate([clip.samples for clip in clips])
    words = sum(len(text.split()) for text in texts)
    assert words_per_minute(words, audio, clips[0].sample_rate) == pytest.approx(rate_wpm, rel=0.1)


def test_clips_are_a_pure_function_of_text_and_voice() -> None:
    engine = get_engine(FAKE)
    voice = engine.default_voice
    first = engine.synthesize(["Rest your hands.", "Breathe out."], voice)
    second = engine.synthesize(["Breathe out.", "Rest your hands."], voice)
    assert np.array_equal(first[0].samples, second[1].samples)
    assert not np.array_equal(first[0].samples[:1000], first[1].samples[:1000])
    (slower,) = engine.synthesize(["Rest your hands."], Voice("fake", 70, 40))
    assert slower.duration_s > 1.5 * first[0].duration_s


def test_minutes_stretch_and_refuse_with_the_fake() -> None:
    routine = api.load("desk-break")
    stretched = api.timeline(routine, api.SessionOptions(engine=FAKE, minutes=8))
    assert stretched.total_s == pytest.approx(8 * 60 + routine.linger_s, abs=0.5)
    with pytest.raises(OptionError, match="too short for this routine: it needs at least"):
        api.timeline(routine, api.SessionOptions(engine=FAKE, minutes=1))


def test_a_line_of_punctuation_says_nothing() -> None:
    (clip,) = get_engine(FAKE).synthesize(["..."], get_engine(FAKE).default_voice)
    assert not clip.samples.any()


def test_the_fake_is_refused_unless_enabled() -> None:
    assert run_cli("show", "desk-break", "--engine", FAKE).exit_code == 0
    environment = {k: v for k, v in os.environ.items() if k != "VOICEGUIDE_FAKE_ENGINE"}
    done = subprocess.run(
        [sys.executable, "-m", "voiceguide", "show", "desk-break", "--engine", FAKE],
        capture_output=True, text=True, env=environment, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "'fake' is not one of" in done.stderr

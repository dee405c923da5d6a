from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.fakes import ToneEngine
from voiceguide.speech import ClipCache, get_engine, speak_all
from voiceguide.speech.base import Clip, Voice
from voiceguide.speech.cache import clip_key


def test_second_run_synthesizes_nothing(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    engine = ToneEngine()
    first = speak_all(engine, engine.default_voice, ["One.", "Two."], cache)
    assert engine.spoken == ["One.", "Two."]
    second = speak_all(engine, engine.default_voice, ["Two.", "One.", "Three."], cache)
    assert engine.spoken == ["One.", "Two.", "Three."]
    assert np.array_equal(first["One."].samples, second["One."].samples)


def test_key_covers_engine_voice_and_text() -> None:
    voice = Voice("en-us+f3", 140, 40)
    base = clip_key("espeak 1", voice, "Hello.")
    assert clip_key("espeak 2", voice, "Hello.") != base
    assert clip_key("espeak 1", Voice("en-us+f3", 141, 40), "Hello.") != base
    assert clip_key("espeak 1", Voice("en-us+f3", 140, 41), "Hello.") != base
    assert clip_key("espeak 1", Voice("en-us+m3", 140, 40), "Hello.") != base
    assert clip_key("espeak 1", voice, "Hello!") != base
    assert clip_key("espeak 1", voice, "Hello.") == base


def test_entries_are_written_whole_and_unreadable_ones_are_remade(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    clip = Clip(np.linspace(-0.5, 0.5, 2205, dtype=np.float32), 22050)
    cache.put("ab" * 32, clip)
    assert sorted(p.name for p in tmp_path.rglob("*")) == [
        "ab",
        "ab" * 32 + ".vgc",
        "clips",
    ]  # no temporary
    stored = cache.get("ab" * 32)
    assert stored is not None and stored.sample_rate == 22050
    assert np.array_equal(stored.samples, clip.samples)
    (tmp_path / "clips" / "ab" / ("ab" * 32 + ".vgc")).write_bytes(b"RIFF garbage")
    assert cache.get("ab" * 32) is None


def test_unwritable_cache_is_not_fatal(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    engine = ToneEngine()
    clips = speak_all(engine, engine.default_voice, ["One."], ClipCache(blocker))
    assert "One." in clips


@pytest.mark.real
def test_real_engine_clips_are_cached_by_content(tmp_path: Path) -> None:
    engine = get_engine("espeak")
    voice = engine.default_voice
    cache = ClipCache(tmp_path)
    made = speak_all(engine, voice, ["Rest your hands."], cache)
    key = clip_key(engine.identity(voice), voice, "Rest your hands.")
    stored = cache.get(key)
    assert stored is not None
    assert np.array_equal(stored.samples, made["Rest your hands."].samples)

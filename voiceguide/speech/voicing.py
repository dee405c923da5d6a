"""Choosing an engine and a voice, and speaking a routine's lines through the clip cache."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from voiceguide.errors import OptionError
from voiceguide.routine.speakable import speakable
from voiceguide.routine.vocabulary import ENGINE_NAMES, FAKE_ENGINE
from voiceguide.speech.base import Clip, SpeechEngine, Voice
from voiceguide.speech.cache import ClipCache, clip_key

DEFAULT_ENGINE = "espeak"  # when no neural voice speaks the routine's language

Progress = Callable[[int, int], None]  # (done, total)


def get_engine(name: str | None = None, cache_root: Path | None = None) -> SpeechEngine:
    """The engine called ``name`` (default eSpeak NG); its libraries are imported only here.
    ``cache_root``: the cache the engine may remember things in (Piper: its models' hashes)."""
    chosen = name or DEFAULT_ENGINE
    if chosen == FAKE_ENGINE and chosen in ENGINE_NAMES:  # only when tests enable it
        from voiceguide.speech.fake import FakeEngine

        return FakeEngine()
    if chosen == "espeak":
        from voiceguide.speech.espeak import EspeakEngine

        return EspeakEngine()
    if chosen == "pyttsx3":
        from voiceguide.speech.pyttsx3_engine import Pyttsx3Engine

        return Pyttsx3Engine()
    if chosen == "piper":
        from voiceguide.speech.piper_engine import PiperEngine

        return PiperEngine(cache_root=cache_root)
    raise OptionError(f"expected an engine from {', '.join(ENGINE_NAMES)}, got '{chosen}'")


@dataclass(frozen=True, slots=True)
class EngineChoice:
    engine: SpeechEngine
    reason: str  # for --verbose: why this engine


def choose_engine(
    named: str | None,
    named_by: str,
    language: str,
    voice_name: str | None = None,
    cache_root: Path | None = None,
) -> EngineChoice:
    """The engine ``named`` (by ``named_by``: --engine, the routine), else the best installed one
    for ``language``: a neural voice when one speaks it, eSpeak NG otherwise."""
    if named:
        return EngineChoice(get_engine(named, cache_root), f"chosen by {named_by}")
    from voiceguide.speech import piper_engine
    from voiceguide.speech.piper_voices import best_for_language, installed_voices

    if voice_name and voice_name.endswith(".onnx"):
        return EngineChoice(get_engine("piper", cache_root), "the voice is a Piper model file")
    if not piper_engine.available():
        return EngineChoice(
            get_engine(DEFAULT_ENGINE),
            f"no neural engine installed ({piper_engine.INSTALL_HINT} adds one)",
        )
    voices = installed_voices()
    neural = piper_engine.PiperEngine(
        voices, cache_root
    )  # the voices just found: not looked up again
    if voice_name:
        if any(voice.name == voice_name for voice in voices):
            return EngineChoice(neural, f"'{voice_name}' is a Piper voice")
        return EngineChoice(get_engine(DEFAULT_ENGINE), f"'{voice_name}' is not a Piper voice")
    best = best_for_language(voices, language)
    if best is None:
        return EngineChoice(
            get_engine(DEFAULT_ENGINE), f"no neural voice installed for language '{language}'"
        )
    return EngineChoice(
        neural, f"the best installed for language '{language}': neural voice {best.name}"
    )


@dataclass(frozen=True, slots=True)
class VoiceRequest:
    """Voice settings from the routine and the command line; ``None`` leaves the choice to the next."""

    name: str | None = None
    rate_wpm: int | None = None
    pitch: int | None = None

    def over(self, base: VoiceRequest) -> VoiceRequest:
        return VoiceRequest(
            self.name if self.name is not None else base.name,
            self.rate_wpm if self.rate_wpm is not None else base.rate_wpm,
            self.pitch if self.pitch is not None else base.pitch,
        )


def resolve_voice(engine: SpeechEngine, request: VoiceRequest, language: str) -> Voice:
    default = engine.default_voice
    name = request.name or _voice_for_language(engine, language)
    return Voice(
        name=name,
        rate_wpm=request.rate_wpm if request.rate_wpm is not None else default.rate_wpm,
        pitch=request.pitch if request.pitch is not None else default.pitch,
    )


def _voice_for_language(engine: SpeechEngine, language: str) -> str:
    choose = getattr(engine, "voice_for_language", None)
    return str(choose(language)) if choose else engine.default_voice.name


def speak_all(
    engine: SpeechEngine,
    voice: Voice,
    texts: Sequence[str],
    cache: ClipCache | None,
    progress: Progress | None = None,
) -> dict[str, Clip]:
    """Every text's clip, from the cache where it is, from the engine (then cached) where not;
    with no cache, every text from the engine."""
    identity = engine.identity(voice)
    spoken = {text: speakable(text) for text in texts}  # no emoji or symbol names read aloud
    keys = {text: clip_key(identity, voice, spoken[text]) for text in texts}
    clips: dict[str, Clip] = {}
    missing: list[str] = []
    for text in texts:
        cached = cache.get(keys[text]) if cache is not None else None
        if cached is None:
            missing.append(text)
        else:
            clips[text] = cached
    done = len(clips)
    if progress:
        progress(done, len(texts))
    batch = 16
    for start in range(0, len(missing), batch):
        chunk = missing[start : start + batch]
        said = engine.synthesize([spoken[text] for text in chunk], voice)
        for text, clip in zip(chunk, said, strict=True):
            if cache is not None:
                cache.put(keys[text], clip)
            clips[text] = clip
        done += len(chunk)
        if progress:
            progress(done, len(texts))
    return clips

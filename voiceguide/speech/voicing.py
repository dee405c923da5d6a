"""Choosing an engine and a voice, and speaking a routine's lines through the clip cache."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from voiceguide.errors import OptionError
from voiceguide.routine.speakable import speakable
from voiceguide.routine.vocabulary import ENGINE_NAMES, FAKE_ENGINE
from voiceguide.speech.base import Clip, SpeechEngine, Voice
from voiceguide.speech.cache import ClipCache, clip_key

DEFAULT_ENGINE = "espeak"  # when no neural voice speaks the routine's language (or a voice is none)

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
    if chosen == "kokoro":
        from voiceguide.speech.kokoro_engine import KokoroEngine

        return KokoroEngine(cache_root=cache_root)
    raise OptionError(f"expected an engine from {', '.join(ENGINE_NAMES)}, got '{chosen}'")


@dataclass(frozen=True, slots=True)
class EngineChoice:
    engine: SpeechEngine
    reason: str  # for --verbose: why this engine


@dataclass(frozen=True, slots=True)
class DefaultVoice:
    """Who speaks a language when nothing else chooses: see :func:`default_voice`."""

    engine: str  # kokoro, piper or espeak
    voice: str  # a name ``--voice`` and ``voiceguide voices`` know
    reason: str


ENGINE_ORDER = ("kokoro", "piper", "espeak")  # who speaks a language by default, best first
ENGINE_ORDER_VARIABLE = "VOICEGUIDE_ENGINE_ORDER"  # e.g. "piper,espeak": leave Kokoro out


def engine_order() -> tuple[str, ...]:
    """:data:`ENGINE_ORDER`, or the order in ``$VOICEGUIDE_ENGINE_ORDER`` (comma-separated; eSpeak
    NG always ends it): a slow machine can keep Piper's speed, and the test suite does."""
    configured = os.environ.get(ENGINE_ORDER_VARIABLE)
    if not configured:
        return ENGINE_ORDER
    names = tuple(name.strip() for name in configured.split(",") if name.strip())
    wrong = [name for name in names if name not in ENGINE_ORDER]
    if wrong:
        raise OptionError(
            f"${ENGINE_ORDER_VARIABLE}: expected engine names from {', '.join(ENGINE_ORDER)} "
            f"(comma-separated), got '{wrong[0]}'"
        )
    return tuple(dict.fromkeys((*names, DEFAULT_ENGINE)))


def default_voice(language: str) -> DefaultVoice:
    """The voice that speaks ``language`` (a routine's: en, en-GB, es, de...) when neither the
    command line nor the routine (nor a settings file) names an engine or a voice: a Kokoro voice
    where Kokoro has the language and is installed, else the best installed Piper voice for it, else
    eSpeak NG's voice for it (:func:`engine_order`). Starts no engine and loads no model (quick
    enough for ``list``).

    Why this order (docs/voices.md): Kokoro's voices are the most natural and speak six languages;
    Piper speaks about 7x faster but has one voice (US English); eSpeak NG speaks about a hundred
    languages, robotically, hundreds of times faster than real time."""
    from voiceguide.speech import kokoro_engine, kokoro_model, kokoro_voices, piper_engine
    from voiceguide.speech.espeak import EspeakEngine
    from voiceguide.speech.piper_voices import best_for_language, installed_voices

    order = engine_order()
    kokoro = kokoro_voices.best_for_language(language)
    missing = []  # neural engines that would have spoken the language, had they been installed
    for engine in order:
        if engine == "kokoro" and kokoro is not None:
            if kokoro_engine.available():
                return DefaultVoice(
                    "kokoro",
                    kokoro.name,
                    f"Kokoro's voice for language '{language}': {kokoro.name}",
                )
            missing.append(f"{kokoro_model.INSTALL_HINT} adds Kokoro")
        if engine == "piper" and not piper_engine.available():
            missing.append(f"{piper_engine.INSTALL_HINT} adds Piper")
        elif engine == "piper":
            piper = best_for_language(installed_voices(), language)
            if piper is not None:
                why = f"the best installed for language '{language}': neural voice {piper.name}"
                return DefaultVoice("piper", piper.name, why)
        if engine == "espeak":
            break
    if missing:
        why = f"no neural engine installed for language '{language}' ({missing[0]})"
    else:
        why = f"no neural voice installed for language '{language}'"
    return DefaultVoice("espeak", EspeakEngine.voice_for_language_name(language), why)


def choose_engine(
    named: str | None,
    named_by: str,
    language: str,
    voice_name: str | None = None,
    cache_root: Path | None = None,
) -> EngineChoice:
    """The engine ``named`` (by ``named_by``: --engine, the routine), else the engine whose voice
    ``voice_name`` is, else the one of :func:`default_voice` for ``language``."""
    if named:
        return EngineChoice(get_engine(named, cache_root), f"chosen by {named_by}")
    if voice_name:
        engine, reason = _engine_of_voice(voice_name)
        return EngineChoice(get_engine(engine, cache_root), reason)
    chosen = default_voice(language)
    return EngineChoice(get_engine(chosen.engine, cache_root), chosen.reason)


def _engine_of_voice(voice_name: str) -> tuple[str, str]:
    from voiceguide.speech import kokoro_voices, piper_engine
    from voiceguide.speech.piper_voices import installed_voices

    if voice_name.endswith(".onnx"):
        return "piper", "the voice is a Piper model file"
    if kokoro_voices.voice_named(voice_name) is not None:
        return "kokoro", f"'{voice_name}' is a Kokoro voice"
    if piper_engine.available() and any(voice.name == voice_name for voice in installed_voices()):
        return "piper", f"'{voice_name}' is a Piper voice"
    return DEFAULT_ENGINE, f"'{voice_name}' is not a neural voice"


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

"""Speech: engines behind one interface, voice choice, the clip cache, and clip preparation."""

from voiceguide.routine.vocabulary import ENGINE_NAMES
from voiceguide.speech.base import Clip, Samples, SpeechEngine, Voice, VoiceInfo
from voiceguide.speech.cache import ClipCache
from voiceguide.speech.voicing import (
    DEFAULT_ENGINE,
    EngineChoice,
    VoiceRequest,
    choose_engine,
    get_engine,
    resolve_voice,
    speak_all,
)

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINE_NAMES",
    "Clip",
    "ClipCache",
    "EngineChoice",
    "Samples",
    "SpeechEngine",
    "Voice",
    "VoiceInfo",
    "VoiceRequest",
    "choose_engine",
    "get_engine",
    "resolve_voice",
    "speak_all",
]

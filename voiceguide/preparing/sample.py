"""A voice's sample (``voiceguide voices --sample NAME``): one short line in that voice, spoken
through the clip cache and finished as a session's lines are (trimmed, leveled, resampled)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from voiceguide.errors import UnknownVoiceError
from voiceguide.speech import Samples

SAMPLE_RATE = 44100


@dataclass(frozen=True, slots=True)
class VoiceSample:
    engine: str
    voice: str
    language: str
    text: str
    samples: Samples  # mono float32 at ``sample_rate``
    sample_rate: int

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate


def voice_sample(
    name: str,
    *,
    engine: str | None = None,
    rate_wpm: int | None = None,
    cache_dir: Path | None = None,
) -> VoiceSample:
    """``name`` (a voice of ``engine``, else of the engine it belongs to) saying the first sample
    line of its language at ``rate_wpm`` (default: the engine's)."""
    from voiceguide.clips import voice_clips
    from voiceguide.speech import ClipCache, Voice, choose_engine
    from voiceguide.speech.samples import sample_lines
    from voiceguide.timeline import Line

    chosen = choose_engine(engine, "--engine", "", name, cache_dir).engine
    language = _language_of(chosen.name, name)
    default = chosen.default_voice
    voice = Voice(name, rate_wpm or default.rate_wpm, default.pitch)
    text = sample_lines(language)[0]
    line = Line(text)
    clips = voice_clips(chosen, voice, [line], ClipCache(cache_dir), sample_rate=SAMPLE_RATE)
    return VoiceSample(chosen.name, name, language, text, clips[line], SAMPLE_RATE)


def _language_of(engine: str, name: str) -> str:
    if engine == "kokoro":
        from voiceguide.speech.kokoro_voices import voice_named

        found = voice_named(name)
        if found is None:
            raise UnknownVoiceError(f"Kokoro has no voice '{name}'; 'voiceguide voices' lists them")
        return found.language
    if engine == "piper":
        from voiceguide.speech.piper_voices import installed_voices

        for voice in installed_voices():
            if voice.name == name:
                return voice.language
        raise UnknownVoiceError(f"Piper has no voice '{name}'; 'voiceguide voices' lists them")
    return name.split("+")[0]  # eSpeak NG and pyttsx3: the name is a language (and a variant)

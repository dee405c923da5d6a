"""eSpeak NG through its C library, shipped by the ``espeakng-loader`` wheel: no system install.

Synthesis runs in eSpeak's synchronous mode, so a clip is complete when ``espeak_Synth`` returns, and
a bad voice name comes back as an error code (pyttsx3's driver hides both; see the README).
"""

from __future__ import annotations

import ctypes
import shutil
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from voiceguide.errors import EngineError, OptionError
from voiceguide.speech.base import Clip, Voice, VoiceInfo

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000  # without it, missing data makes eSpeak call exit(1)
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_RATE, _VOLUME, _PITCH = 1, 2, 3
_MAX_DATA_PATH = 150  # eSpeak NG keeps its data path in a 160-byte buffer on Linux

_SYNTH_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class _EspeakVoice(ctypes.Structure):
    _fields_ = [  # noqa: RUF012 - ctypes wants a plain list
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_char_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


class _Library:
    """The loaded, initialized library. eSpeak keeps global state, so there is one per process."""

    _instance: _Library | None = None
    _create_lock = threading.Lock()

    def __init__(self) -> None:
        try:
            import espeakng_loader
        except ImportError:
            raise EngineError(
                "the eSpeak NG engine needs the 'espeakng-loader' package: pip install espeakng-loader"
            ) from None
        self.data_dir = _short_data_dir(Path(espeakng_loader.get_data_path()))
        try:
            # RTLD_LOCAL (ctypes' default): another copy of eSpeak NG in the process stays separate.
            lib = ctypes.CDLL(espeakng_loader.get_library_path())
        except OSError as error:
            raise EngineError(f"cannot load the eSpeak NG library: {error}") from None
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
            ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]  # fmt: skip
        lib.espeak_ListVoices.argtypes = [ctypes.c_void_p]
        lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_EspeakVoice))
        lib.espeak_Info.argtypes = [ctypes.c_void_p]
        lib.espeak_Info.restype = ctypes.c_char_p
        self.sample_rate = lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, 0, str(self.data_dir).encode(), _INITIALIZE_DONT_EXIT
        )
        if self.sample_rate <= 0:
            raise EngineError(f"eSpeak NG could not start (no voice data found in {self.data_dir})")
        self.version = (lib.espeak_Info(None) or b"?").decode()
        self.lib = lib
        self.lock = threading.Lock()
        self._chunks: list[np.ndarray] = []
        self._callback = _SYNTH_CALLBACK(self._on_samples)  # kept alive as long as the library
        lib.espeak_SetSynthCallback(self._callback)

    @classmethod
    def get(cls) -> _Library:
        with cls._create_lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def _on_samples(self, wav: ctypes._Pointer[ctypes.c_short], count: int, _events: int) -> int:
        if count > 0 and wav:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        return 0

    def speak(self, text: str, voice: Voice) -> np.ndarray:
        with self.lock:
            if self.lib.espeak_SetVoiceByName(voice.name.encode()) != 0:
                raise OptionError(f"eSpeak NG has no voice '{voice.name}'; 'voiceguide voices' lists them")
            self.lib.espeak_SetParameter(_RATE, voice.rate_wpm, 0)
            self.lib.espeak_SetParameter(_PITCH, voice.pitch, 0)
            self.lib.espeak_SetParameter(_VOLUME, 100, 0)  # above 100 distorts; loudness is the mixer's job
            self._chunks = []
            data = text.encode("utf-8")
            error = self.lib.espeak_Synth(data, len(data) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
            if error != 0:
                raise EngineError(f"eSpeak NG failed (error {error}) while speaking: {text[:60]}")
            chunks, self._chunks = self._chunks, []
        return np.concatenate(chunks) if chunks else np.zeros(0, np.int16)


def _short_data_dir(data_dir: Path) -> Path:
    """The data folder itself, or a copy at a short path when a deep virtualenv makes it too long."""
    if len(str(data_dir).encode()) <= _MAX_DATA_PATH:
        return data_dir
    copy = Path(tempfile.gettempdir()) / f"voiceguide-espeak-{data_dir.stat().st_mtime_ns}"
    if not (copy / "phontab").exists():
        staging = Path(tempfile.mkdtemp(prefix="voiceguide-espeak-"))
        shutil.copytree(data_dir, staging / "data")
        try:
            (staging / "data").rename(copy)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)  # another process got there first
    return copy


class EspeakEngine:
    """eSpeak NG in this process: fast (hundreds of times real time), about 100 languages."""

    name = "espeak"
    default_voice = Voice(name="en-us+f3", rate_wpm=140, pitch=40)

    def __init__(self) -> None:
        self._lib = _Library.get()

    def identity(self) -> str:
        return f"espeak-ng {self._lib.version}"

    def voice_for_language(self, language: str) -> str:
        return self.default_voice.name if language in ("en", "en-us") else f"{language}+f3"

    def synthesize(self, texts: Sequence[str], voice: Voice) -> list[Clip]:
        rate = self._lib.sample_rate
        return [Clip((self._lib.speak(text, voice) / 32768.0).astype(np.float32), rate) for text in texts]

    def voices(self) -> list[VoiceInfo]:
        entries = self._lib.lib.espeak_ListVoices(None)
        found: list[VoiceInfo] = []
        index = 0
        while entries[index]:
            voice = entries[index].contents
            languages = voice.languages or b"\x00"
            language = languages[1:].split(b"\x00")[0].decode(errors="replace")
            found.append(VoiceInfo(self.name, language, language, (voice.name or b"").decode(errors="replace")))
            index += 1
        variants = sorted(path.name for path in (self._lib.data_dir / "voices" / "!v").iterdir())
        found.append(
            VoiceInfo(self.name, "LANGUAGE+VARIANT", "", "variants: " + ", ".join(variants))
        )
        return found

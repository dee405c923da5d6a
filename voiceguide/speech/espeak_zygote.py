"""eSpeak NG zygote: loads the library once, then forks a fresh child to speak each clip.

Run as a script (``python espeak_zygote.py``), standard library only: it never imports voiceguide or
numpy, so it stays single-threaded and safe to fork. The request loop is :mod:`.forking`'s.

Why fork: eSpeak NG keeps synthesis state in static variables (the pitch-flutter phase, the gain
control, the cycle counter) that carry over from one utterance to the next and survive
``espeak_Terminate``, so the same text comes out slightly different depending on what was spoken
before. A child forked from a process that has never spoken starts from the same state every time,
so each clip is a pure function of its text and voice, whatever order clips are made in.

The :mod:`.protocol`: the hello offers ``"sample_rate", "version", "voices": [[name, language],
...], "variants": [...]``; each request ``{"id", "text", "voice", "rate_wpm", "pitch", "path"}``
is answered by its status: ``OK`` when the raw 16-bit samples are in ``path``, ``NO_VOICE``,
or ``FAILED``.
"""

from __future__ import annotations

import ctypes
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

if __package__:
    from voiceguide.speech import forking, protocol
else:  # run as a script by path (the usual way): this folder is first on sys.path
    import forking  # type: ignore[import-not-found,no-redef]
    import protocol  # type: ignore[import-not-found,no-redef]

AUDIO_OUTPUT_SYNCHRONOUS = 2
INITIALIZE_DONT_EXIT = 0x8000  # without it, missing data makes eSpeak call exit(1)
POS_CHARACTER = 1
CHARS_UTF8 = 1
RATE, VOLUME, PITCH = 1, 2, 3
MAX_DATA_PATH = 150  # eSpeak NG keeps its data path in a 160-byte buffer on Linux
SEED = 1

SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class EspeakVoice(ctypes.Structure):
    _fields_ = [
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


def _languages(packed: bytes) -> list[str]:
    """eSpeak's language list: a priority byte, a name, a zero byte, again, ending with a zero byte."""
    names = []
    position = 0
    while position < len(packed) and packed[position] != 0:
        end = packed.find(b"\x00", position + 1)
        end = len(packed) if end < 0 else end
        names.append(packed[position + 1 : end].decode(errors="replace"))
        position = end + 1
    return names


def short_data_dir(data_dir: Path) -> Path:
    """The data folder itself, or a copy at a short path when a deep virtualenv makes it too long."""
    if len(str(data_dir).encode()) <= MAX_DATA_PATH:
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


class Library:
    def __init__(self) -> None:
        import espeakng_loader

        self.data_dir = short_data_dir(Path(espeakng_loader.get_data_path()))
        # RTLD_LOCAL (ctypes' default): another eSpeak NG copy in the same process stays separate.
        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
            ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]  # fmt: skip
        lib.espeak_ListVoices.argtypes = [ctypes.c_void_p]
        lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(EspeakVoice))
        lib.espeak_Info.argtypes = [ctypes.c_void_p]
        lib.espeak_Info.restype = ctypes.c_char_p
        lib.espeak_ng_SetRandSeed.argtypes = [ctypes.c_long]
        self.sample_rate = lib.espeak_Initialize(
            AUDIO_OUTPUT_SYNCHRONOUS, 0, str(self.data_dir).encode(), INITIALIZE_DONT_EXIT
        )
        if self.sample_rate <= 0:
            raise RuntimeError(
                f"eSpeak NG could not start (no voice data found in {self.data_dir})"
            )
        self.lib = lib
        self.libc = ctypes.CDLL(None)
        self.chunks: list[bytes] = []
        self.callback = SynthCallback(self._on_samples)
        lib.espeak_SetSynthCallback(self.callback)

    def _on_samples(self, wav: Any, count: int, _events: Any) -> int:
        if count > 0 and wav:
            self.chunks.append(ctypes.string_at(wav, count * 2))
        return 0

    def _catalogue(self) -> None:
        """Every voice's languages (a voice file can serve several: gmw/en speaks en-gb and en)."""
        self.voices: list[list[str]] = []
        self.by_language: dict[str, str] = {}
        entries = self.lib.espeak_ListVoices(None)
        index = 0
        while entries[index]:
            voice = entries[index].contents
            identifier = (voice.identifier or b"").decode(errors="replace")
            languages = _languages(voice.languages or b"")
            if languages:
                self.voices.append([languages[0], (voice.name or b"").decode(errors="replace")])
                for language in languages:
                    self.by_language.setdefault(language.lower(), identifier)
            index += 1
        self.variants = sorted(path.name for path in (self.data_dir / "voices" / "!v").iterdir())

    def info(self) -> dict[str, Any]:
        self._catalogue()
        version = (self.lib.espeak_Info(None) or b"?").decode()
        return {
            "sample_rate": self.sample_rate, "version": version,
            "voices": self.voices, "variants": self.variants,
        }  # fmt: skip

    def select_voice(self, name: str) -> bool:
        """Select ``LANGUAGE[+VARIANT]`` or a voice name; False when there is no such voice or variant."""
        base, _, variant = name.partition("+")
        if variant and variant not in self.variants:
            return False
        suffix = f"+{variant}" if variant else ""
        candidates = [name]
        if base.lower() in self.by_language:
            candidates.append(self.by_language[base.lower()] + suffix)
        return any(
            self.lib.espeak_SetVoiceByName(candidate.encode()) == 0 for candidate in candidates
        )

    def speak(self, request: dict[str, Any]) -> int:
        """In a forked child: speak one clip into ``request['path']``; return the status."""
        self.chunks.clear()  # (spoken in turn, without fork: not the clip before's samples)
        if not self.select_voice(request["voice"]):
            return protocol.NO_VOICE
        self.lib.espeak_SetParameter(RATE, int(request["rate_wpm"]), 0)
        self.lib.espeak_SetParameter(PITCH, int(request["pitch"]), 0)
        self.lib.espeak_SetParameter(
            VOLUME, 100, 0
        )  # above 100 distorts; loudness is the mixer's job
        self.lib.espeak_ng_SetRandSeed(SEED)  # breath noise: eSpeak's own generator
        self.libc.srand(SEED)  # and libc's rand()
        data = request["text"].encode("utf-8")
        if (
            self.lib.espeak_Synth(data, len(data) + 1, 0, POS_CHARACTER, 0, CHARS_UTF8, None, None)
            != 0
        ):
            return protocol.FAILED
        Path(request["path"]).write_bytes(b"".join(self.chunks))
        return protocol.OK


def main() -> None:
    jobs = int(sys.argv[1]) if len(sys.argv) > 1 else 2

    def load() -> tuple[dict[str, Any], forking.Speak]:
        library = Library()
        return library.info(), library.speak

    forking.start(load, jobs)


if __name__ == "__main__":
    main()

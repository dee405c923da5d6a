"""Clips stored compactly and exactly: every float32 sample read back bit for bit.

A clip whose samples are all 16-bit values (eSpeak NG speaks 16-bit) is stored as 16-bit FLAC,
about a tenth of float32. Any other clip (Piper's network output, leveled clips) has 24 bits of
mantissa that no fixed-point format holds, so it is stored as float32 with its top byte (sign and
exponent) compressed: about four fifths of float32, at several hundred MB a second.
"""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import numpy.typing as npt

Samples = npt.NDArray[np.float32]

_HEADER = struct.Struct("<4sII")  # codec, sample rate, frames
_FLAC16 = b"fl16"
_FLOAT = b"f32z"


def encode_clip(samples: Samples, sample_rate: int) -> bytes:
    mono = np.ascontiguousarray(samples, dtype=np.float32).reshape(-1)
    scaled = mono.astype(np.float64) * 32768
    integers = np.round(scaled)
    exact = np.array_equal(integers, scaled) and not np.any(np.signbit(mono) & (mono == 0))
    if len(mono) and exact and np.all(np.abs(integers) <= 32767):
        import soundfile

        stream = io.BytesIO()
        soundfile.write(
            stream, integers.astype(np.int16), sample_rate, format="FLAC", subtype="PCM_16"
        )
        return _HEADER.pack(_FLAC16, sample_rate, len(mono)) + stream.getvalue()
    planes = mono.astype("<f4").view(np.uint8).reshape(-1, 4)  # byte 3: sign, exponent
    top = zlib.compress(planes[:, 3].tobytes(), 1)
    rest = np.ascontiguousarray(planes[:, :3]).tobytes()
    return _HEADER.pack(_FLOAT, sample_rate, len(mono)) + struct.pack("<I", len(top)) + top + rest


def decode_clip(data: bytes) -> tuple[Samples, int] | None:
    """The samples and their rate, or None for data this codec did not write."""
    try:
        codec, sample_rate, frames = _HEADER.unpack_from(data)
        body = memoryview(data)[_HEADER.size :]
        if codec == _FLAC16:
            import soundfile

            integers, rate = soundfile.read(io.BytesIO(body), dtype="int16")
            if rate != sample_rate or len(integers) != frames:
                return None
            return (integers.astype(np.float32) / np.float32(32768)).astype(np.float32), sample_rate
        if codec == _FLOAT:
            (top_size,) = struct.unpack_from("<I", body)
            top = zlib.decompress(body[4 : 4 + top_size])
            rest = np.frombuffer(body[4 + top_size :], dtype=np.uint8)
            if len(top) != frames or len(rest) != 3 * frames:
                return None
            planes = np.empty((frames, 4), dtype=np.uint8)
            planes[:, 3] = np.frombuffer(top, dtype=np.uint8)
            planes[:, :3] = rest.reshape(frames, 3)
            return planes.reshape(-1).view("<f4").astype(np.float32), sample_rate
    except (ValueError, struct.error, zlib.error, RuntimeError):
        return None
    return None

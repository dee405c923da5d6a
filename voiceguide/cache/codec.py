"""Clips stored compactly and exactly: every float32 sample read back bit for bit.

A clip whose samples are all 16-bit values (eSpeak NG speaks 16-bit) is stored as 16-bit FLAC,
about a tenth of float32. Any other clip (Piper's network output, leveled clips) has 24 bits of
mantissa that no fixed-point format holds, so it is stored as float32 with its top byte (sign and
exponent) compressed: about four fifths of float32, at several hundred MB a second. A clip made
from a 16-bit source (a leveled eSpeak NG clip) can be stored as that source plus the difference
from a prediction the reader makes again (a gain times the source, prepared by a function both
sides share): about two thirds of the float32 form. Every derived entry is checked by decoding it
before it is stored.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

Samples = npt.NDArray[np.float32]
Derive = Callable[[Samples, int], Samples]  # the 16-bit source -> the base the prediction scales

_HEADER = struct.Struct("<4sII")  # codec, sample rate, frames
_FLAC16 = b"fl16"
_FLOAT = b"f32z"
_DERIVED = b"dl16"
CHUNK_FRAMES = 1 << 20  # samples worked on at once where the work is per sample


def encode_clip(samples: Samples, sample_rate: int) -> bytes:
    mono = np.ascontiguousarray(samples, dtype=np.float32).reshape(-1)
    flac = _flac16(mono, sample_rate)
    if flac is not None:
        return _HEADER.pack(_FLAC16, sample_rate, len(mono)) + flac
    planes = mono.astype("<f4").view(np.uint8).reshape(-1, 4)  # byte 3: sign, exponent
    top = zlib.compress(planes[:, 3].tobytes(), 1)
    rest = np.ascontiguousarray(planes[:, :3]).tobytes()
    return _HEADER.pack(_FLOAT, sample_rate, len(mono)) + struct.pack("<I", len(top)) + top + rest


def encode_derived(samples: Samples, sample_rate: int, source: Samples, derive: Derive) -> bytes:
    """``samples`` as made from the 16-bit ``source`` (same rate): stored as the source and the
    exact difference from ``gain * derive(source)``; the plain form when that is not smaller."""
    plain = encode_clip(samples, sample_rate)
    flac = _flac16(np.ascontiguousarray(source, dtype=np.float32).reshape(-1), sample_rate)
    base = derive(source, sample_rate) if flac is not None else None
    if flac is None or base is None or len(base) != len(samples) or not len(samples):
        return plain
    mono = np.ascontiguousarray(samples, dtype=np.float32).reshape(-1)
    usable = np.abs(base) > 1e-4
    gain = np.float32(np.median(mono[usable] / base[usable])) if usable.any() else np.float32(1)
    predicted = (base * gain).astype(np.float32)
    zigzag = np.empty(len(mono), "<u4")
    for start in range(0, len(mono), CHUNK_FRAMES):  # (int64 work in pieces: a long clip's memory)
        piece = slice(start, start + CHUNK_FRAMES)
        difference = _ordered(mono[piece]) - _ordered(predicted[piece])
        zigzagged = (difference << 1) ^ (difference >> 63)
        if np.any(zigzagged >= 2**32):
            return plain
        zigzag[piece] = zigzagged
    del predicted
    planes = zigzag.view(np.uint8).reshape(-1, 4)
    packed = [zlib.compress(planes[:, index].tobytes(), 1) for index in range(4)]
    body = struct.pack("<fI4I", float(gain), len(flac), *map(len, packed)) + flac + b"".join(packed)
    derived = _HEADER.pack(_DERIVED, sample_rate, len(mono)) + body
    if len(derived) >= len(plain):
        return plain
    check = decode_clip(derived, derive)
    if check is None or not np.array_equal(check[0].view(np.uint32), mono.view(np.uint32)):
        return plain
    return derived


def decode_clip(data: bytes, derive: Derive | None = None) -> tuple[Samples, int] | None:
    """The samples and their rate, or None for data this codec did not write (or a derived entry
    read without its ``derive``)."""
    try:
        codec, sample_rate, frames = _HEADER.unpack_from(data)
        body = memoryview(data)[_HEADER.size :]
        if codec == _FLAC16:
            samples = _read_flac16(body, sample_rate, frames)
            return None if samples is None else (samples, sample_rate)
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
        if codec == _DERIVED and derive is not None:
            return _decode_derived(body, sample_rate, frames, derive)
    except (ValueError, struct.error, zlib.error, RuntimeError):
        return None
    return None


def _decode_derived(
    body: memoryview, sample_rate: int, frames: int, derive: Derive
) -> tuple[Samples, int] | None:
    gain, flac_size, *sizes = struct.unpack_from("<fI4I", body)
    offset = struct.calcsize("<fI4I")
    source = _read_flac16(body[offset : offset + flac_size], sample_rate, None)
    if source is None:
        return None
    offset += flac_size
    planes = np.empty((frames, 4), dtype=np.uint8)
    for index, size in enumerate(sizes):
        plane = zlib.decompress(body[offset : offset + size])
        if len(plane) != frames:
            return None
        planes[:, index] = np.frombuffer(plane, dtype=np.uint8)
        offset += size
    base = derive(source, sample_rate)
    if len(base) != frames:
        return None
    zigzags = planes.reshape(-1).view("<u4")
    predicted = (base * np.float32(gain)).astype(np.float32)
    samples = np.empty(frames, np.float32)
    for start in range(0, frames, CHUNK_FRAMES):  # (int64 work in pieces: a long clip's memory)
        piece = slice(start, start + CHUNK_FRAMES)
        zigzag = zigzags[piece].astype(np.int64)
        difference = (zigzag >> 1) ^ -(zigzag & 1)
        samples[piece] = _from_ordered(_ordered(predicted[piece]) + difference)
    return samples, sample_rate


def _flac16(mono: Samples, sample_rate: int) -> bytes | None:
    """16-bit FLAC of ``mono`` when every sample is a 16-bit value (no -0.0), else None."""
    scaled = mono * np.float32(32768)  # (exact in float32: a power of two)
    integers = np.round(scaled)
    exact = np.array_equal(integers, scaled) and not np.any(np.signbit(mono) & (mono == 0))
    if not (len(mono) and exact and np.all(np.abs(integers) <= 32767)):
        return None
    import soundfile

    stream = io.BytesIO()
    soundfile.write(stream, integers.astype(np.int16), sample_rate, format="FLAC", subtype="PCM_16")
    return stream.getvalue()


def _read_flac16(body: memoryview, sample_rate: int, frames: int | None) -> Samples | None:
    import soundfile

    integers, rate = soundfile.read(io.BytesIO(body), dtype="int16")
    if rate != sample_rate or (frames is not None and len(integers) != frames):
        return None
    samples: Samples = (integers.astype(np.float32) / np.float32(32768)).astype(np.float32)
    return samples


def _ordered(samples: Samples) -> npt.NDArray[np.int64]:
    """float32 bit patterns as integers in the order of their values (-0.0 just below +0.0)."""
    bits = samples.astype("<f4").view("<i4").astype(np.int64)
    ordered: npt.NDArray[np.int64] = np.where(bits < 0, -(bits & 0x7FFFFFFF) - 1, bits)
    return ordered


def _from_ordered(ordered: npt.NDArray[np.int64]) -> Samples:
    bits = np.where(ordered < 0, (-(ordered + 1)) | 0x80000000, ordered)
    samples: Samples = bits.astype("<u4").view("<f4").astype(np.float32)
    return samples

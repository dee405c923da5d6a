"""MP3 through LAME (the ``lameenc`` wheel), with a LAME "Info" frame in front that tells players the
encoder delay and padding, so the decoded file starts and ends on the exact sample (gapless)."""

from __future__ import annotations

import struct
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import numpy as np

from voiceguide.errors import ExportError

QUALITY = 5  # LAME's -q 5: its speed/quality balance for CBR (compared at the same -q with ffmpeg)
ENCODER_DELAY = 576  # what LAME 3.100 puts in front of the first sample (decoders add 529 more)
_SAMPLES_PER_FRAME = 1152
_BITRATES_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_RATES = {44100: 0, 48000: 1, 32000: 2}


def encode_mp3(
    path: Path, pcm_blocks: Iterable[np.ndarray], *, sample_rate: int, channels: int, kbps: int
) -> None:
    """Encode 16-bit interleaved blocks to ``path`` as MPEG-1 Layer III CBR with a LAME tag."""
    import lameenc

    if sample_rate not in _RATES:
        raise ExportError(f"mp3 files here take 32000, 44100 or 48000 Hz, got {sample_rate}")
    kbps = min(_BITRATES_KBPS[1:], key=lambda rate: (abs(rate - kbps), rate))  # CBR takes these
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(kbps)
    encoder.set_in_sample_rate(sample_rate)
    encoder.set_out_sample_rate(sample_rate)  # else LAME resamples low bitrates to 22.05 kHz
    encoder.set_channels(channels)
    encoder.set_quality(QUALITY)
    info_size = _frame_size(kbps, sample_rate, padded=False)
    samples = 0
    try:
        with path.open("w+b") as sink:
            sink.write(
                bytes(info_size)
            )  # room for the Info frame, written when the counts are known
            for block in pcm_blocks:
                samples += len(block)
                sink.write(encoder.encode(block.tobytes()))
            sink.write(encoder.flush())
            audio_bytes = sink.tell() - info_size
            sink.seek(info_size)
            head = sink.read(4)
            frames = _count_frames(sink, info_size)
            sink.seek(0)
            sink.write(_info_frame(head, kbps, sample_rate, channels, frames, samples, audio_bytes))
    except OSError as error:
        raise ExportError(f"cannot write {path.name}: {error.strerror}") from None


def _frame_size(kbps: int, sample_rate: int, *, padded: bool) -> int:
    return 144 * kbps * 1000 // sample_rate + int(padded)


def _count_frames(stream: BinaryIO, start: int) -> int:
    """How many MPEG frames follow ``start`` (walking the headers)."""
    stream.seek(start)
    data = stream.read()
    position, frames = 0, 0
    while position + 4 <= len(data):
        header = struct.unpack(">I", data[position : position + 4])[0]
        if header >> 21 != 0x7FF:
            raise ExportError("LAME wrote an MP3 frame without a sync word")
        kbps = _BITRATES_KBPS[(header >> 12) & 0xF]
        rate = {0: 44100, 1: 48000, 2: 32000}[(header >> 10) & 0x3]
        position += _frame_size(kbps, rate, padded=bool((header >> 9) & 1))
        frames += 1
    return frames


def _info_frame(
    head: bytes, kbps: int, sample_rate: int, channels: int, frames: int, samples: int,
    audio_bytes: int,
) -> bytes:  # fmt: skip
    """A silent frame carrying a Xing "Info" header and the LAME extension (delay and padding)."""
    size = _frame_size(kbps, sample_rate, padded=False)
    header = (
        0xFFFB0000  # sync, MPEG-1, Layer III, no CRC
        | _BITRATES_KBPS.index(kbps) << 12
        | _RATES[sample_rate] << 10
        | head[3] & 0xC0  # the stream's channel mode
    )
    side_info = 32 if channels == 2 else 17
    padding = frames * _SAMPLES_PER_FRAME - ENCODER_DELAY - samples
    toc = bytes(min(255, index * 256 // 100) for index in range(100))
    xing = (
        b"Info" + struct.pack(">III", 0x0F, frames, audio_bytes + size) + toc + struct.pack(">I", 0)
    )
    lame = (
        b"LAME3.100"
        + bytes([0x01, 0])  # tag revision 0, CBR; lowpass unknown
        + bytes(8)  # no ReplayGain
        + bytes([0, min(255, kbps)])
        + bytes([ENCODER_DELAY >> 4, (ENCODER_DELAY & 0xF) << 4 | padding >> 8, padding & 0xFF])
        + bytes(4)  # misc, MP3 gain, preset
        + struct.pack(">I", audio_bytes + size)
        + bytes(2)  # music CRC: not computed
    )
    frame = bytearray(size)
    frame[:4] = struct.pack(">I", header)
    body = xing + lame
    frame[4 + side_info : 4 + side_info + len(body)] = body
    tag_end = 4 + side_info + len(body)
    frame[tag_end : tag_end + 2] = struct.pack(">H", _crc16(bytes(frame[:tag_end])))
    return bytes(frame)


def _crc16(data: bytes) -> int:
    """CRC-16/ARC, as the LAME tag uses."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc

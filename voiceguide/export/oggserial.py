"""A fixed Ogg stream serial number, so that the same session gives the same Ogg and Opus bytes
(libsndfile picks a random serial for every file)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from voiceguide.errors import ExportError

_BITSWAP = bytes(int(f"{byte:08b}"[::-1], 2) for byte in range(256))


def serial_for(title: str) -> int:
    """A serial that is the same for the same title and differs between titles (so files can be
    chained into one Ogg stream)."""
    return zlib.crc32(title.encode("utf-8"))


def set_serial(path: Path, serial: int) -> None:
    """Rewrite every page header of the single-stream Ogg file at ``path`` with ``serial``, in
    place, one page at a time."""
    with path.open("r+b") as stream:
        while header := stream.read(27):
            if len(header) < 27 or header[:4] != b"OggS":
                raise ExportError(
                    f"{path.name}: not an Ogg page at byte {stream.tell() - len(header)}"
                )
            lacing = stream.read(header[26])
            body = stream.read(sum(lacing))
            page = header[:14] + struct.pack("<I", serial) + header[18:22] + bytes(4) + header[26:]
            stream.seek(-len(header) - len(lacing) - len(body), 1)
            stream.write(page[:22] + _crc(page + lacing + body) + page[26:])
            stream.seek(len(lacing) + len(body), 1)


def _crc(page: bytes) -> bytes:
    """Ogg's CRC-32 (polynomial 0x04C11DB7, not reflected), computed with zlib on bit-reversed
    bytes."""
    crc = (~zlib.crc32(page.translate(_BITSWAP), 0xFFFFFFFF)) & 0xFFFFFFFF
    return struct.pack(">I", crc).translate(_BITSWAP)

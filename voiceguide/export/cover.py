"""Cover art: a calm generated cover for every routine (its title large enough to read on a phone's
thumbnail, 1400x1400 as podcast apps ask), or the listener's own image, checked first."""

from __future__ import annotations

import io
import textwrap
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from voiceguide.errors import InputError, OptionError
from voiceguide.untrusted import read_regular

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

SIZE_PX = 1400
MAX_FILE_BYTES = 10_000_000
MIN_SIDE_PX, MAX_SIDE_PX = 300, 6000
# calm dusk colours: (top, bottom) of the background gradient
_PALETTES = (
    ((38, 52, 84), (112, 128, 160)),
    ((30, 66, 72), (104, 150, 146)),
    ((58, 46, 78), (150, 128, 164)),
    ((44, 60, 52), (132, 156, 128)),
    ((70, 52, 48), (176, 140, 120)),
)


@dataclass(frozen=True, slots=True)
class Cover:
    data: bytes
    mime: str  # image/jpeg or image/png
    width_px: int
    height_px: int


def generated_cover(title: str) -> Cover:
    """The same title always gives the same bytes (Pillow's own scalable font, no system fonts)."""
    import numpy as np
    from PIL import Image, ImageDraw

    top, bottom = _PALETTES[zlib.crc32(title.encode("utf-8")) % len(_PALETTES)]
    fraction = np.linspace(0.0, 1.0, SIZE_PX, dtype=np.float32)[:, None, None]
    gradient = (
        np.asarray(top, np.float32) * (1 - fraction) + np.asarray(bottom, np.float32) * fraction
    )
    rows = gradient.round().astype(np.uint8)  # widened below: 6 MB in memory, not 24
    pixels = np.broadcast_to(rows, (SIZE_PX, SIZE_PX, 3))
    image = Image.fromarray(np.ascontiguousarray(pixels), "RGB")
    draw = ImageDraw.Draw(image)
    centre = SIZE_PX // 2
    for radius, shade in ((520, 14), (400, 22), (280, 30)):  # soft rings, like ripples
        tint = tuple(min(255, channel + shade) for channel in bottom)
        draw.ellipse(
            (centre - radius, centre - radius, centre + radius, centre + radius),
            outline=tint,
            width=6,
        )
    lines, font = _fit_title(title, draw)
    line_px = font.size * 1.15
    y = centre - line_px * len(lines) / 2
    for line in lines:
        draw.text((centre, y + line_px / 2), line, font=font, fill=(250, 247, 240), anchor="mm")
        y += line_px
    small = _font(64)
    draw.text((centre, SIZE_PX - 120), "voiceguide", font=small, fill=(235, 232, 225), anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88, optimize=False)
    return Cover(buffer.getvalue(), "image/jpeg", SIZE_PX, SIZE_PX)


def _fit_title(title: str, draw: ImageDraw.ImageDraw) -> tuple[list[str], ImageFont.FreeTypeFont]:
    """The biggest font (at most 190 px, readable at 1/10 scale) that fits the title in 4 lines."""

    for size in range(190, 60, -10):
        font = _font(size)
        width_chars = max(6, int(1100 / (size * 0.55)))
        lines = textwrap.wrap(title, width_chars, break_on_hyphens=False) or [""]
        if len(lines) <= 4 and all(draw.textlength(line, font=font) <= 1150 for line in lines):
            return lines, font
    return textwrap.wrap(title, 30)[:4], _font(60)


def _font(size_px: int) -> ImageFont.FreeTypeFont:
    """Pillow's own scalable font (Aileron, inside the wheel): the same glyphs on every machine."""
    from PIL import ImageFont

    font = ImageFont.load_default(size=size_px)
    assert isinstance(font, ImageFont.FreeTypeFont), "Pillow's wheels carry FreeType"
    return font


def load_cover(path: Path) -> Cover:
    """Read ``--cover FILE``: a PNG or JPEG of sensible size, checked before any work."""
    where = f"{path}: --cover"
    try:
        if not path.is_file():
            raise OptionError(f"{where}: expected an image file, found none")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise OptionError(
                f"{where}: expected at most {MAX_FILE_BYTES // 1_000_000} MB, got {size / 1e6:.1f} MB"
            )
        data = read_regular(path, most_bytes=MAX_FILE_BYTES, what="an image file")
    except OSError as error:
        raise OptionError(f"{where}: cannot read it ({error.strerror})") from None
    except InputError as error:
        raise OptionError(f"{where}: {str(error).removeprefix(f'{path}: ')}") from None
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        mime, kind = "image/png", "PNG"
    elif data.startswith(b"\xff\xd8\xff"):
        mime, kind = "image/jpeg", "JPEG"
    else:
        raise OptionError(f"{where}: expected a PNG or JPEG image")
    width, height = _checked_size(data, kind, where)
    return _phone_ready(Cover(data, mime, width, height), kind)


def _phone_ready(cover: Cover, kind: str) -> Cover:
    """A cover every phone shows: RGB (or greyscale), one frame. A CMYK JPEG or an animated PNG
    (which many phones show as nothing, or as its first frame only) is converted: its first frame
    in RGB, in the same format. Others are embedded unchanged, byte for byte."""
    from PIL import Image

    shown_modes = ("RGB", "L") if kind == "JPEG" else ("RGB", "RGBA", "L", "LA", "P")
    with Image.open(io.BytesIO(cover.data), formats=[kind]) as image:
        if image.mode in shown_modes and not getattr(image, "is_animated", False):
            return cover
        image.seek(0)
        converted = image.convert("RGBA" if kind == "PNG" else "RGB")
    buffer = io.BytesIO()
    if kind == "PNG":
        converted.save(buffer, format="PNG", optimize=False)
    else:
        converted.save(buffer, format="JPEG", quality=92, optimize=False)
    return Cover(buffer.getvalue(), cover.mime, cover.width_px, cover.height_px)


def _checked_size(data: bytes, kind: str, where: str) -> tuple[int, int]:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data), formats=[kind]) as image:
            width, height = image.size
            if not (min(width, height) >= MIN_SIDE_PX and max(width, height) <= MAX_SIDE_PX):
                raise OptionError(
                    f"{where}: expected {MIN_SIDE_PX} to {MAX_SIDE_PX} pixels a side, got {width}x{height}"
                )
            image.verify()  # decodes nothing, but checks the structure (chunks, CRCs)
        with Image.open(io.BytesIO(data), formats=[kind]) as image:
            image.load()  # a truncated or corrupt image fails here
    except OptionError:
        raise
    except Exception as error:  # Pillow raises many kinds for a broken file
        raise OptionError(f"{where}: expected a readable {kind} image ({error})") from None
    return width, height

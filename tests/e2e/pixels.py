"""Pixels of the PNG screenshots Chromium takes (8-bit RGB or RGBA, not interlaced), read with
the standard library, and how much two of them differ."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {2: 3, 6: 4}  # colour type -> bytes per pixel at 8 bits


@dataclass(frozen=True)
class Image:
    """Rows of grey levels (0 black .. 255 white)."""

    width: int
    height: int
    grey: tuple[bytes, ...]


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def _unfilter(kind: int, line: bytearray, prior: bytes, bpp: int) -> bytearray:
    for i in range(len(line)):
        left = line[i - bpp] if i >= bpp else 0
        up = prior[i]
        corner = prior[i - bpp] if i >= bpp else 0
        if kind == 1:
            line[i] = (line[i] + left) & 0xFF
        elif kind == 2:
            line[i] = (line[i] + up) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + (left + up) // 2) & 0xFF
        elif kind == 4:
            line[i] = (line[i] + _paeth(left, up, corner)) & 0xFF
    return line


def read_png(data: bytes) -> Image:
    """Decode a screenshot into grey levels."""
    assert data[:8] == SIGNATURE, "not a PNG"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        header = body if kind == b"IHDR" else header
        idat += body if kind == b"IDAT" else b""
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in CHANNELS and not interlace, "unexpected PNG layout"
    bpp, raw = CHANNELS[colour], zlib.decompress(idat)
    stride, prior, rows = width * bpp, bytes(width * bpp), []
    for y in range(height):
        start = y * (stride + 1)
        line = _unfilter(raw[start], bytearray(raw[start + 1 : start + 1 + stride]), prior, bpp)
        prior = bytes(line)
        rows.append(bytes((line[x] * 30 + line[x + 1] * 59 + line[x + 2] * 11) // 100
                          for x in range(0, stride, bpp)))
    return Image(width, height, tuple(rows))


def inked(image: Image, threshold: int = 128) -> float:
    """The share of pixels darker than `threshold`."""
    dark = sum(1 for row in image.grey for g in row if g < threshold)
    return dark / (image.width * image.height)


def difference(a: Image, b: Image, threshold: int = 64) -> float:
    """The share of pixels whose grey levels differ by more than `threshold`."""
    assert (a.width, a.height) == (b.width, b.height), "images of different sizes"
    changed = sum(1 for ra, rb in zip(a.grey, b.grey, strict=True)
                  for ga, gb in zip(ra, rb, strict=True) if abs(ga - gb) > threshold)
    return changed / (a.width * a.height)

"""Draws the two Teams app icons with the standard library only (no image library needed).

    python deploy/teams/make_icons.py      # writes color.png (192x192) and outline.png (32x32)

color.png: a white speech bubble on the accent colour. outline.png: the same bubble in white on a
transparent background, as Teams requires for the outline icon.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ACCENT = (0x2B, 0x6C, 0xB0, 0xFF)
WHITE = (0xFF, 0xFF, 0xFF, 0xFF)
CLEAR = (0, 0, 0, 0)
Pixel = tuple[int, int, int, int]


def png(width: int, height: int, pixel: Callable[[int, int], Pixel]) -> bytes:
    """An RGBA PNG whose pixel (x, y) is `pixel(x, y)`."""
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def bubble(u: float, v: float) -> bool:
    """Is the point (u, v) in [0, 1]^2 inside a speech bubble with a tail at the lower left?"""
    in_body = ((u - 0.5) / 0.36) ** 2 + ((v - 0.44) / 0.28) ** 2 <= 1.0
    in_tail = 0.22 <= u <= 0.42 and 0.6 <= v <= 0.84 and (u - 0.22) >= (v - 0.6) * 0.8
    return in_body or in_tail


def dots(u: float, v: float) -> bool:
    """Three dots inside the bubble (the bot is typing)."""
    return any((u - cx) ** 2 + (v - 0.44) ** 2 <= 0.045**2 for cx in (0.36, 0.5, 0.64))


def color_icon(size: int = 192) -> bytes:
    def pixel(x: int, y: int) -> Pixel:
        u, v = (x + 0.5) / size, (y + 0.5) / size
        return ACCENT if dots(u, v) or not bubble(u, v) else WHITE

    return png(size, size, pixel)


def outline_icon(size: int = 32) -> bytes:
    def pixel(x: int, y: int) -> Pixel:
        u, v = (x + 0.5) / size, (y + 0.5) / size
        return WHITE if bubble(u, v) and not dots(u, v) else CLEAR

    return png(size, size, pixel)


def main() -> None:
    (HERE / "color.png").write_bytes(color_icon())
    (HERE / "outline.png").write_bytes(outline_icon())


if __name__ == "__main__":
    main()

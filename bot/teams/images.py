"""Make PNG images small enough to travel inline in a Teams card (a message is capped near 28 KB).

Charts compress very well with a small palette: a 900×560 four-panel digest chart of ~80 KB becomes
~20 KB with 32 colours, and smaller again when scaled down. Pillow comes with matplotlib; without it
images are left as they are (and the card falls back to their alt text when they are too big).
"""

from __future__ import annotations

import dataclasses
import io
import logging

from bot.core.model import Card, Image
from bot.teams.adaptive import MAX_INLINE_IMAGE

log = logging.getLogger(__name__)

MIN_WIDTH = 320
COLOURS = 32


def shrink_png(data: bytes, budget: int = MAX_INLINE_IMAGE) -> bytes:
    """The PNG itself if it fits `budget` bytes, else a palette / scaled-down version that does, else as is."""
    if len(data) <= budget:
        return data
    try:
        from PIL import Image as Pil
    except ImportError:  # pragma: no cover - Pillow ships with matplotlib
        return data
    try:
        image = Pil.open(io.BytesIO(data)).convert("RGB")
    except Exception:
        log.warning("image is not a readable PNG", extra={"bytes": len(data)})
        return data
    scale = 1.0
    while image.width * scale >= MIN_WIDTH:
        size = (round(image.width * scale), round(image.height * scale))
        candidate = image if scale == 1.0 else image.resize(size, Pil.Resampling.LANCZOS)
        out = io.BytesIO()
        candidate.quantize(colors=COLOURS).save(out, format="PNG", optimize=True)
        if out.tell() <= budget:
            return out.getvalue()
        scale *= 0.8
    return data


def fit_images(card: Card) -> Card:
    """The card with every inline image shrunk to fit a Teams message (CPU work: call in a thread)."""
    if not any(isinstance(b, Image) and b.data for b in card.blocks):
        return card
    blocks = tuple(
        dataclasses.replace(b, data=shrink_png(b.data)) if isinstance(b, Image) and b.data else b
        for b in card.blocks
    )
    return dataclasses.replace(card, blocks=blocks)

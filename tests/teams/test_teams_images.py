"""Charts shrink to fit inline in a Teams card."""

from __future__ import annotations

import io

import pytest

from bot.core.model import Card, Image, Section
from bot.teams.adaptive import MAX_INLINE_IMAGE, adaptive_card
from bot.teams.images import fit_images, shrink_png


@pytest.fixture(scope="module")
def big_chart() -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 5.6), dpi=100)
    for n, ax in enumerate(fig.subplots(2, 2).flat):
        ax.plot(range(12), [((i * 7 + n * 3) % 11) / 10 for i in range(12)], marker="o")
        ax.axhline(0.5, ls="--", color="red")
        ax.set_title(f"KPI {n}")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def test_a_digest_sized_chart_is_made_to_fit(big_chart: bytes) -> None:
    from PIL import Image as Pil

    small = shrink_png(big_chart)

    assert len(big_chart) > MAX_INLINE_IMAGE
    assert len(small) <= MAX_INLINE_IMAGE
    assert Pil.open(io.BytesIO(small)).width >= 320


def test_small_images_and_non_images_are_left_alone() -> None:
    tiny = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

    assert shrink_png(tiny) is tiny
    assert shrink_png(b"x" * (MAX_INLINE_IMAGE + 10)) == b"x" * (MAX_INLINE_IMAGE + 10)


def test_cards_get_their_charts_inlined(big_chart: bytes) -> None:
    card = Card(title="Weekly digest", blocks=(Section("NPS 41"), Image(alt="trend", data=big_chart)))

    body = adaptive_card(fit_images(card))["body"]

    assert body[2]["type"] == "Image" and body[2]["url"].startswith("data:image/png;base64,")
    assert fit_images(Card(title="plain")) == Card(title="plain")

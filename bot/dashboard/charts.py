"""Line charts as inline SVG, drawn by matplotlib on the server and cached by their data.

Text stays text in the SVG (`svg.fonttype: none`): small, selectable, and read by screen readers from
the chart's `aria-label`; every chart also has its figures in a table beside it.
"""

from __future__ import annotations

import io
import math
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["svg.fonttype"] = "none"

from matplotlib.figure import Figure  # noqa: E402

COLORS = ("#0b4f9c", "#b8480c", "#2b7a3d", "#6a3d9a", "#8a1c1c", "#4a5159")
_LOCK = threading.Lock()  # matplotlib's text layout is not safe across threads


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]  # None: no point (below the anonymity floor, or no data)


@dataclass(frozen=True)
class Chart:
    title: str
    labels: tuple[str, ...]  # x axis, one per value
    series: tuple[Series, ...]
    y_label: str = ""
    lines: tuple[tuple[str, float], ...] = ()  # (name, y) drawn dashed: thresholds
    y_range: tuple[float, float] | None = None
    bars: bool = False


def svg(chart: Chart) -> str:
    """The chart as an `<svg>` element to put in a page (cached: the same chart is drawn once)."""
    return _draw(chart)


@lru_cache(maxsize=512)
def _draw(chart: Chart) -> str:
    with _LOCK:
        matplotlib.rcParams["svg.hashsalt"] = repr((chart.title, chart.labels[:1]))  # ids unique per chart, stable
        return _render(chart)


def _render(chart: Chart) -> str:
    fig = Figure(figsize=(7.2, 2.7), dpi=100)
    ax = fig.add_subplot()
    x = list(range(len(chart.labels)))
    for i, s in enumerate(chart.series):
        y = [math.nan if v is None else v for v in s.values]
        color = COLORS[i % len(COLORS)]
        if chart.bars:
            ax.bar(x, [0 if math.isnan(v) else v for v in y], color=color, label=s.name, width=0.7)
        else:
            ax.plot(x, y, color=color, linewidth=2, marker="o", markersize=3.5, label=s.name)
    for name, y_value in chart.lines:
        ax.axhline(y_value, color="#8a1c1c", linestyle="--", linewidth=1.2)
        ax.annotate(name, (0, y_value), xytext=(2, 3), textcoords="offset points", fontsize=8, color="#8a1c1c")
    longest = max((len(t) for t in chart.labels), default=1)
    step = max(1, math.ceil(len(x) * longest / (50 if len(chart.series) > 1 else 80)))  # labels never overlap
    ax.set_xticks(x[::step], list(chart.labels)[::step], fontsize=8)
    ax.tick_params(axis="y", labelsize=8)
    if chart.y_range:
        ax.set_ylim(*chart.y_range)
    if chart.y_label:
        ax.set_ylabel(chart.y_label, fontsize=9)
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    if len(chart.series) > 1:
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    text = re.sub(r"<metadata>.*?</metadata>", "", text[text.index("<svg"):], flags=re.S)
    label = _attr(f"Chart: {chart.title}")
    return re.sub(r"<svg ", f'<svg role="img" aria-label="{label}" focusable="false" ', text, count=1)


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def series(name: str, values: Sequence[float | None]) -> Series:
    return Series(name, tuple(None if v is None or (isinstance(v, float) and math.isnan(v)) else round(float(v), 3)
                              for v in values))

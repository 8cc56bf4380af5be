"""The trend chart: four small panels over the last 8–12 weeks, readable at chat size."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

from bot.i18n import Translator, translator
from bot.kpi.compute import KpiReport
from bot.kpi.config import Threshold
from bot.kpi.metrics import METRICS
from bot.kpi.weeks import label

PANELS = ("nps", "csat", "first_response_hours", "ticket_volume")


def trend_png(report: KpiReport, thresholds: dict[str, Threshold], weeks: int = 12,
              t: Translator | None = None) -> bytes:
    """A PNG (about 900×560 px) of the headline KPIs for the last `weeks` weeks, labelled in `t`'s language."""
    t = t or translator()
    units = {"%": t.gettext(" (%)"), "h": t.gettext(" (hours)")}
    weeks = max(8, min(12, weeks))
    shown = report.weeks[-weeks:]
    x = np.arange(len(shown))
    ticks = [label(w).split("-")[1] for w in shown]
    fig, axes = plt.subplots(2, 2, figsize=(9, 5.6), dpi=100)
    try:
        for ax, key in zip(axes.flat, PANELS, strict=True):
            metric = METRICS[key]
            y = report.values[key][-len(shown):]
            ax.plot(x, y, color="#2f6db5", linewidth=2.2, marker="o", markersize=3.5)
            if len(y) and not np.isnan(y[-1]):
                ax.plot(x[-1], y[-1], "o", color="#d9480f", markersize=8)
                ax.annotate(t.number(float(y[-1]), metric.decimals), (x[-1], y[-1]), textcoords="offset points",
                            xytext=(0, 8), ha="center", fontsize=10, fontweight="bold")
            limit = thresholds.get(key)
            for bound in (limit.min, limit.max) if limit else ():
                if bound is not None:
                    ax.axhline(bound, color="#c92a2a", linestyle="--", linewidth=1)
            ax.set_title(t.gettext(metric.label) + units.get(metric.unit, ""), fontsize=11, loc="left")
            ax.set_xticks(x[::2], ticks[::2], fontsize=8)
            ax.tick_params(axis="y", labelsize=8)
            ax.grid(axis="y", alpha=0.3)
            ax.spines[["top", "right"]].set_visible(False)
        fig.suptitle(t.gettext("CX KPIs, {first} – {last}").format(first=label(shown[0]), last=label(shown[-1])),
                     fontsize=12, x=0.01, ha="left")
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()
    finally:
        plt.close(fig)

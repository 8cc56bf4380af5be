"""A small PNG of pulse results: one stacked bar per statement, shares of each score."""

from __future__ import annotations

import io

from bot.pulse.results import PulseResults

COLOURS = ["#c0392b", "#e67e22", "#bdc3c7", "#7fb77e", "#2e8b57", "#1f6f43", "#145a32", "#0b3d20", "#062814", "#021008"]


def results_png(results: PulseResults) -> bytes | None:
    """The distribution chart of statements above the anonymity floor; None if there are none."""
    shown = [st for st in results.statements if st.shown]
    if not shown:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    lo, hi = results.scale
    fig = Figure(figsize=(6.4, 0.55 * len(shown) + 0.9), dpi=100)
    ax = fig.add_subplot()
    labels = [f"{st.index + 1}  (Ø {st.mean:.2f})" for st in shown]
    left = [0.0] * len(shown)
    for n, score in enumerate(range(lo, hi + 1)):
        shares = [dict(st.distribution).get(score, 0) / st.n * 100 for st in shown]
        ax.barh(labels, shares, left=left, color=COLOURS[n % len(COLOURS)], label=str(score))
        left = [a + b for a, b in zip(left, shares, strict=True)]
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("%")
    ax.legend(ncol=hi - lo + 1, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()

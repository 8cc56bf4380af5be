"""From a week's KPIs to a digest: deltas, arrows, plain-language sentences, threshold breaches."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from bot.kpi.compute import KpiReport
from bot.kpi.config import Threshold
from bot.kpi.metrics import METRICS, Metric
from bot.kpi.weeks import label, monday


@dataclass
class Line:
    """One headline KPI: this week's value and how it moved."""

    metric: Metric
    value: float
    wow: float | None  # change since last week
    vs_avg4: float | None  # change against the mean of the four weeks before
    breach: str | None = None

    @property
    def arrow(self) -> str:
        if self.wow is None or abs(self.wow) < 1e-9:
            return "→"
        return "↑" if self.wow > 0 else "↓"


@dataclass
class Digest:
    """Everything a digest says; `bot.digest.card` renders it for chat, `preview` as Markdown."""

    week: int
    lines: list[Line]
    sentences: list[str]
    breaches: list[str]
    footer: list[str]
    chart: bytes | None = None
    gaps: list[str] = field(default_factory=list)
    gaps_more: int = 0
    sections: list[tuple[str, str]] = field(default_factory=list)  # (title, paragraph) from other features

    @property
    def week_label(self) -> str:
        return label(self.week)

    @property
    def period(self) -> str:
        start = monday(self.week)
        end = monday(self.week + 1)
        return f"{start:%d %b} – {end.fromordinal(end.toordinal() - 1):%d %b %Y}"


DOCTOR_HINT = "an admin can see why with `cxbot doctor`"


def unavailable(name: str, kind: str) -> str:
    """How chat names a dataset it cannot read: its configured name and kind, never a path or an error."""
    return f"{name} ({kind}): not available"


def fmt(metric: Metric, value: float) -> str:
    text = f"{value:,.{metric.decimals}f}"
    return text + {"%": "%", "h": " h", "pts": ""}.get(metric.unit, "")


def fmt_change(metric: Metric, change: float, base: float | None = None) -> str:
    if metric.relative and base:
        return f"{change / base:+.0%}"
    unit = {"pts": " pts", "%": " pts", "h": " h"}.get(metric.unit, "")
    return f"{change:+,.{metric.decimals}f}{unit}"


def _finite(x: float) -> bool:
    return not math.isnan(x)


def _sentence(line: Line, series: np.ndarray, driver: str | None) -> str | None:
    """A plain-language sentence when the week-over-week move is notable, else None."""
    m, wow = line.metric, line.wow
    if wow is None:
        return None
    prev = line.value - wow
    size = abs(wow / prev) if m.relative and prev else abs(wow)
    if size < m.notable:
        return None
    verb = "rose" if wow > 0 else "fell"
    if m.unit in ("pts", "%"):
        amount = f"{abs(wow):.0f} point{'s' if round(abs(wow)) != 1 else ''}"
    elif m.relative and prev:
        amount = f"{abs(wow) / prev:.0%}"
    else:
        amount = f"{abs(wow):.{m.decimals}f}"
    text = f"{m.label} {verb} {amount} to {fmt(m, line.value)}"
    history = series[~np.isnan(series)]
    if len(history) >= 4:
        span = len(history)
        if line.value <= history.min():
            text += f", the lowest in {span} weeks"
        elif line.value >= history.max():
            text += f", the highest in {span} weeks"
    good = (wow > 0) == m.higher_is_better
    text += "" if good else " ⚠"
    if driver:
        text += f"; {driver}"
    return text + "."


def build(report: KpiReport, thresholds: dict[str, Threshold]) -> Digest:
    """The digest of the last week in `report` (the weeks before give the deltas and the trend)."""
    lines: list[Line] = []
    sentences: list[str] = []
    breaches: list[str] = []
    for key, metric in METRICS.items():
        series = report.values[key]
        value = float(series[-1])
        if not _finite(value):
            continue
        prev = float(series[-2]) if len(series) > 1 else math.nan
        before = series[-5:-1]
        before = before[~np.isnan(before)]
        line = Line(metric, value, value - prev if _finite(prev) else None,
                    value - float(before.mean()) if len(before) else None)
        if (t := thresholds.get(key)) and (why := t.breached(value)):
            line.breach = why
            breaches.append(f"{metric.label} is {fmt(metric, value)}, {why}.")
        lines.append(line)
        d = report.drivers.get(key)
        driver = None
        inverse = key in ("nps", "csat")  # more detractors / unhappy answers pull these down
        if d and line.wow is not None and (d.change > 0) == ((line.wow > 0) != inverse):
            driver = f"{d.what} {'rose' if d.change > 0 else 'fell'} mainly in {d.segment} ({d.change:+d})"
        if s := _sentence(line, series, driver):
            sentences.append(s)
    footer = [f"{name}: {bad.summary()}" for name, bad in report.bad.items() if bad.bad]
    footer += [unavailable(name, report.kinds.get(name, "source")) for name in report.errors]
    if report.errors:
        footer.append(DOCTOR_HINT)
    return Digest(week=report.weeks[-1], lines=lines, sentences=sentences, breaches=breaches, footer=footer)

"""From a week's KPIs to a digest: deltas, arrows, plain-language sentences, threshold breaches."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from bot.i18n import DEFAULT_LANGUAGE, N_, Translator, translator
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
    language: str = DEFAULT_LANGUAGE  # of its sentences; the card and chart use the same

    @property
    def t(self) -> Translator:
        return translator(self.language)

    @property
    def week_label(self) -> str:
        return label(self.week)

    @property
    def period(self) -> str:
        """"Nov 23 – 29, 2026" / "23.–29. Nov. 2026"."""
        start = monday(self.week)
        end = monday(self.week + 1)
        return self.t.date_range(start, end.fromordinal(end.toordinal() - 1))


DOCTOR_HINT = N_("an admin can see why with `cxbot doctor`")


def unavailable(name: str, kind: str, t: Translator | None = None) -> str:
    """How chat names a dataset it cannot read: its configured name and kind, never a path or an error."""
    return (t or translator()).gettext("{name} ({kind}): not available").format(name=name, kind=kind)


def signed(text: str, value: float) -> str:
    return text if value < 0 else "+" + text


def fmt(metric: Metric, value: float, t: Translator | None = None) -> str:
    """A KPI value with its unit, as the language writes it: "83%" / "83 %", "1.7 h" / "1,7 h"."""
    t = t or translator()
    if metric.unit == "%":
        return t.percent(value / 100, metric.decimals)
    if metric.unit == "h":
        return t.duration_hours(value, metric.decimals)
    return t.number(value, metric.decimals)


def fmt_change(metric: Metric, change: float, base: float | None = None, t: Translator | None = None) -> str:
    """A signed change: "+12%" (relative), "-6 pts", "+0.4 h"."""
    t = t or translator()
    if metric.relative and base:
        return signed(t.percent(change / base), change)
    number = signed(t.fixed(change, metric.decimals), change)
    if metric.unit in ("pts", "%"):
        return t.gettext("{n} pts").format(n=number)
    if metric.unit == "h":
        return f"{number}\u00a0h"
    return number


def _finite(x: float) -> bool:
    return not math.isnan(x)


def _sentence(line: Line, series: np.ndarray, driver: str | None, t: Translator) -> str | None:
    """A plain-language sentence when the week-over-week move is notable, else None."""
    m, wow = line.metric, line.wow
    if wow is None:
        return None
    prev = line.value - wow
    size = abs(wow / prev) if m.relative and prev else abs(wow)
    if size < m.notable:
        return None
    if m.unit in ("pts", "%"):
        points = round(abs(wow))
        amount = t.ngettext("{n} point", "{n} points", points).format(n=t.number(points))
    elif m.relative and prev:
        amount = t.percent(abs(wow) / prev)
    else:
        amount = t.fixed(abs(wow), m.decimals)
    moved = t.gettext("{kpi} rose {amount} to {value}") if wow > 0 else t.gettext("{kpi} fell {amount} to {value}")
    text = moved.format(kpi=t.gettext(m.label), amount=amount, value=fmt(m, line.value, t))
    history = series[~np.isnan(series)]
    if len(history) >= 4:
        span = len(history)
        if line.value <= history.min():
            text += t.gettext(", the lowest in {n} weeks").format(n=span)
        elif line.value >= history.max():
            text += t.gettext(", the highest in {n} weeks").format(n=span)
    good = (wow > 0) == m.higher_is_better
    text += "" if good else " ⚠"
    if driver:
        text += f"; {driver}"
    return text + "."


def build(report: KpiReport, thresholds: dict[str, Threshold], language: str = DEFAULT_LANGUAGE) -> Digest:
    """The digest of the last week in `report` (the weeks before give the deltas and the trend), worded
    in `language`."""
    t = translator(language)
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
        if (bound := thresholds.get(key)) and (why := bound.breached(value, t)):
            line.breach = why
            breaches.append(t.gettext("{kpi} is {value}, {why}.").format(
                kpi=t.gettext(metric.label), value=fmt(metric, value, t), why=why))
        lines.append(line)
        d = report.drivers.get(key)
        driver = None
        inverse = key in ("nps", "csat")  # more detractors / unhappy answers pull these down
        if d and line.wow is not None and (d.change > 0) == ((line.wow > 0) != inverse):
            moved = (t.gettext("{what} rose mainly in {segment} ({change})") if d.change > 0
                     else t.gettext("{what} fell mainly in {segment} ({change})"))
            driver = moved.format(what=t.gettext(d.what), segment=d.segment,
                                  change=signed(t.number(d.change), d.change))
        if s := _sentence(line, series, driver, t):
            sentences.append(s)
    footer = [f"{name}: {bad.summary(t)}" for name, bad in report.bad.items() if bad.bad]
    footer += [unavailable(name, report.kinds.get(name, "source"), t) for name in report.errors]
    if report.errors:
        footer.append(t.gettext(DOCTOR_HINT))
    return Digest(week=report.weeks[-1], lines=lines, sentences=sentences, breaches=breaches, footer=footer,
                  language=t.language)

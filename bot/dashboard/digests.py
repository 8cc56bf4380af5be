"""The Digests page's figures: the weekly digests as they were sent, and every KPI over 52 weeks with
its thresholds (from the digest's own KPI tables: `DigestService.history`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.dashboard.charts import Chart, series
from bot.dashboard.pulses import channel_label
from bot.db.engine import Database
from bot.digest.service import DigestService
from bot.digest.store import SENT, Delivery, Subscription
from bot.kpi.config import ConfigError
from bot.kpi.metrics import METRICS
from bot.kpi.weeks import label, week_of
from bot.schedule.clock import utc

WEEKS = 52
MAX_SENT = 200


@dataclass(frozen=True)
class Sent:
    week: str
    channel: str
    sent_at: str
    text: str


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    unit: str
    chart: Chart
    latest: str
    thresholds: str
    table: tuple[tuple[str, str], ...]


def sent(db: Database, now: datetime) -> list[Sent]:
    """The digests sent in the last 52 weeks, newest first (at most 200)."""
    with db.session() as s:
        rows = s.execute(
            select(Delivery.week, Delivery.sent_at, Delivery.sent_text, Subscription.platform,
                   Subscription.conversation_kind, Subscription.conversation_id)
            .join(Subscription, Subscription.id == Delivery.subscription_id)
            .where(Delivery.status == SENT, Delivery.sent_at >= now - timedelta(weeks=WEEKS))
            .order_by(Delivery.sent_at.desc()).limit(MAX_SENT))
        return [Sent(week, channel_label(platform, kind, cid), utc(at).strftime("%Y-%m-%d %H:%M UTC") if at else "",
                     text or "(sent before digests were kept)")
                for week, at, text, platform, kind, cid in rows]


def kpis(service: DigestService, now: datetime) -> tuple[list[Kpi], str | None]:
    """One chart per KPI over the 52 weeks up to last week; or why there are none."""
    last = week_of(now) - 1
    try:
        report, thresholds = service.history(last, WEEKS)
    except (ConfigError, OSError) as exc:
        return [], str(exc).splitlines()[0]
    labels = tuple(label(w) for w in report.weeks)
    out = []
    for key, metric in METRICS.items():
        values = [None if math.isnan(v) else float(v) for v in report.values[key]]
        if all(v is None for v in values):
            continue
        t = thresholds.get(key)
        lines = tuple((f"{word} {bound:g}", float(bound)) for word, bound in
                      (("min", t.min if t else None), ("max", t.max if t else None)) if bound is not None)
        unit = {"%": " (%)", "h": " (hours)", "pts": " (points)"}.get(metric.unit, "")
        chart = Chart(f"{metric.label}{unit}, {labels[0]} to {labels[-1]}", labels, (series(metric.label, values),),
                      y_label=metric.unit, lines=lines)
        shown = [v for v in values if v is not None]
        out.append(Kpi(key, metric.label, metric.unit, chart, _fmt(shown[-1], metric.decimals) if shown else "–",
                       ", ".join(name for name, _ in lines) or "none",
                       tuple((w, _fmt(v, metric.decimals)) for w, v in zip(labels, values, strict=True))))
    return out, None


def _fmt(value: float | None, decimals: int) -> str:
    return "–" if value is None else f"{value:,.{decimals}f}"

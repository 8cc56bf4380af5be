"""KPIs per ISO week for a window of weeks, from the configured datasets."""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass, field

import numpy as np

from bot.i18n import N_
from bot.kpi import metrics
from bot.kpi.config import KpiConfig
from bot.kpi.load import BadRows, Table, load_accounts, load_surveys, load_tickets
from bot.kpi.sources import SourceError
from bot.kpi.weeks import week_start_utc

log = logging.getLogger(__name__)


@dataclass
class Driver:
    """Where a move came from: the segment whose count changed most (e.g. detractors in `Enterprise`)."""

    what: str
    segment: str
    change: int


@dataclass
class KpiReport:
    """One value per metric per week for `weeks` (consecutive week indexes, oldest first)."""

    weeks: list[int]
    values: dict[str, np.ndarray] = field(default_factory=dict)
    drivers: dict[str, Driver] = field(default_factory=dict)
    bad: dict[str, BadRows] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # why a dataset failed: for logs and `cxbot doctor`
    kinds: dict[str, str] = field(default_factory=dict)  # each dataset's source kind: all a chat message names


@dataclass
class Tables:
    surveys: Table | None = None
    tickets: Table | None = None
    accounts: Table | None = None
    errors: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)


def load_tables(cfg: KpiConfig) -> Tables:
    """Load every configured dataset; a source that fails is reported in `errors`, not raised."""
    tables = Tables()
    loaders = {"surveys": load_surveys, "tickets": load_tickets, "accounts": load_accounts}
    for name, ds in cfg.datasets.items():
        tables.kinds[name] = ds.source.kind()
        try:
            setattr(tables, name, loaders[name](ds))
        except SourceError as exc:
            log.warning("kpi source failed", extra={"dataset": name, "error": str(exc)})
            tables.errors[name] = str(exc)
        except (csv.Error, TypeError, ValueError, UnicodeError, OverflowError) as exc:
            # a file the row-level checks could not even split: the digest reports it, the run goes on
            log.warning("kpi source unreadable", extra={"dataset": name, "error": type(exc).__name__})
            tables.errors[name] = f"unreadable data ({type(exc).__name__}: {str(exc)[:120]})"
    return tables


def _driver(what: str, week: np.ndarray, seg: np.ndarray, mask: np.ndarray, names: list[str],
            n_weeks: int) -> Driver | None:
    """The segment with the largest rise (or fall) of `mask` rows from the last-but-one week to the last."""
    if n_weeks < 2 or not names:
        return None
    sel = mask & (week >= n_weeks - 2) & (week < n_weeks)
    flat = np.bincount((week[sel] - (n_weeks - 2)) * len(names) + seg[sel], minlength=2 * len(names))
    change = flat[len(names):] - flat[:len(names)]
    i = int(np.argmax(np.abs(change)))
    return Driver(what, names[i], int(change[i])) if change[i] else None


def compute(tables: Tables, first_week: int, last_week: int) -> KpiReport:
    """Every metric for the weeks `first_week..last_week` (inclusive)."""
    weeks = list(range(first_week, last_week + 1))
    n = len(weeks)
    report = KpiReport(weeks=weeks, errors=dict(tables.errors), kinds=dict(tables.kinds))
    nan = np.full(n, np.nan)
    if (s := tables.surveys) is not None:
        report.bad["surveys"] = s.bad
        w, kind, score = s.cols["week"] - first_week, s.cols["kind"], s.cols["score"]
        for code, name, fn in ((0, "nps", metrics.nps), (1, "csat", metrics.csat), (2, "ces", metrics.ces)):
            sel = kind == code
            report.values[name] = fn(w[sel], score[sel], n)
        det = (kind == 0) & (score <= 6)
        if d := _driver(N_("detractors"), w, s.cols["segment"], det, s.segments, n):
            report.drivers["nps"] = d
        low = (kind == 1) & (score <= 3)
        if d := _driver(N_("unhappy answers"), w, s.cols["segment"], low, s.segments, n):
            report.drivers["csat"] = d
    if (t := tables.tickets) is not None:
        report.bad["tickets"] = t.bad
        w = t.cols["week"] - first_week
        report.values["fcr"] = metrics.fcr(w, t.cols["contacts"], t.cols["resolved"].astype(bool), n)
        report.values["first_response_hours"] = metrics.median(w, t.cols["frt"], n)
        report.values["resolution_hours"] = metrics.median(w, t.cols["res"], n)
        report.values["ticket_volume"] = metrics.volume(w, n)
        if d := _driver(N_("tickets"), w, t.cols["segment"], np.ones(len(w), bool), t.segments, n):
            report.drivers["ticket_volume"] = d
    if (a := tables.accounts) is not None:
        report.bad["accounts"] = a.bad
        starts = np.array([week_start_utc(x).replace(tzinfo=None) for x in [*weeks, last_week + 1]],
                          dtype="datetime64[s]")
        report.values["churn_rate"] = metrics.churn_rate(a.cols["started"], a.cols["churned"], starts)
    for key in metrics.METRICS:
        report.values.setdefault(key, nan.copy())
    return report

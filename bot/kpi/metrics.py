"""Every CX metric cxbot reports, defined once, computed per ISO week with numpy.

Each function takes per-row arrays plus `week` (the week index of each row, see `bot.kpi.weeks`) and
`n_weeks`, and returns one value per week (NaN where a week has no data). Rows whose week is outside
`0 <= week < n_weeks` are ignored, so callers pass `week - first_week`.

- **NPS** (Net Promoter Score, answers 0–10): % promoters (9–10) minus % detractors (0–6), −100…100.
- **CSAT** (answers 1–5): % of answers that are 4 or 5.
- **CES** (Customer Effort Score, answers 1–7, 7 = "very easy"): the mean answer.
- **FCR** (first-contact resolution): of the tickets created in the week and resolved, the % resolved
  with a single contact.
- **Median first response / resolution time**: the median hours from a ticket's creation to its first
  answer / to its resolution, over tickets created in the week that have one.
- **Ticket volume**: tickets created in the week.
- **Churn rate**: accounts that churned during the week as % of accounts active when it began.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.i18n import N_


@dataclass(frozen=True)
class Metric:
    key: str
    label: str  # English, marked for translation: show `t.gettext(metric.label)`
    unit: str  # "pts" (score points), "%", "h", "" (count or mean)
    higher_is_better: bool
    notable: float  # a week-over-week move at least this large gets a sentence
    relative: bool = False  # `notable` is a fraction of the previous value, not an absolute move
    decimals: int = 0


METRICS: dict[str, Metric] = {m.key: m for m in (
    Metric("nps", N_("NPS"), "pts", True, 5),
    Metric("csat", N_("CSAT"), "%", True, 3),
    Metric("ces", N_("CES"), "", True, 0.3, decimals=1),
    Metric("fcr", N_("First-contact resolution"), "%", True, 4),
    Metric("first_response_hours", N_("Median first response"), "h", False, 0.2, relative=True, decimals=1),
    Metric("resolution_hours", N_("Median resolution time"), "h", False, 0.2, relative=True, decimals=1),
    Metric("ticket_volume", N_("Ticket volume"), "", False, 0.15, relative=True),
    Metric("churn_rate", N_("Churn rate"), "%", False, 0.3, decimals=2),
)}


def _in_range(week: np.ndarray, n_weeks: int) -> np.ndarray:
    return (week >= 0) & (week < n_weeks)


def _count(week: np.ndarray, mask: np.ndarray, n_weeks: int) -> np.ndarray:
    keep = mask & _in_range(week, n_weeks)
    return np.bincount(week[keep], minlength=n_weeks)[:n_weeks].astype(np.float64)


def _ratio(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(whole > 0, part / whole, np.nan)


def nps(week: np.ndarray, score: np.ndarray, n_weeks: int) -> np.ndarray:
    """% promoters (9–10) minus % detractors (0–6) per week."""
    valid = ~np.isnan(score)
    n = _count(week, valid, n_weeks)
    promoters = _count(week, valid & (score >= 9), n_weeks)
    detractors = _count(week, valid & (score <= 6), n_weeks)
    return 100.0 * _ratio(promoters - detractors, n)


def csat(week: np.ndarray, score: np.ndarray, n_weeks: int) -> np.ndarray:
    """% of 1–5 answers that are 4 or 5, per week."""
    valid = ~np.isnan(score)
    return 100.0 * _ratio(_count(week, valid & (score >= 4), n_weeks), _count(week, valid, n_weeks))


def mean(week: np.ndarray, value: np.ndarray, n_weeks: int) -> np.ndarray:
    """The mean per week (CES is the mean of its 1–7 answers)."""
    keep = ~np.isnan(value) & _in_range(week, n_weeks)
    sums = np.bincount(week[keep], weights=value[keep], minlength=n_weeks)[:n_weeks]
    return _ratio(sums, _count(week, keep, n_weeks))


ces = mean


def fcr(week: np.ndarray, contacts: np.ndarray, resolved: np.ndarray, n_weeks: int) -> np.ndarray:
    """% of resolved tickets that needed one contact, per week of creation."""
    done = resolved & ~np.isnan(contacts)
    return 100.0 * _ratio(_count(week, done & (contacts <= 1), n_weeks), _count(week, done, n_weeks))


def median(week: np.ndarray, value: np.ndarray, n_weeks: int) -> np.ndarray:
    """The median per week of the non-NaN values (mean of the two middle ones for even counts)."""
    keep = ~np.isnan(value) & _in_range(week, n_weeks)
    w, v = week[keep], value[keep]
    order = np.lexsort((v, w))
    w, v = w[order], v[order]
    counts = np.bincount(w, minlength=n_weeks)[:n_weeks]
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    out = np.full(n_weeks, np.nan)
    has = counts > 0
    lo = starts[has] + (counts[has] - 1) // 2
    hi = starts[has] + counts[has] // 2
    out[has] = (v[lo] + v[hi]) / 2.0
    return out


def volume(week: np.ndarray, n_weeks: int) -> np.ndarray:
    """Rows per week (tickets created)."""
    return _count(week, np.ones(len(week), bool), n_weeks)


def churn_rate(started: np.ndarray, churned: np.ndarray, week_starts: np.ndarray) -> np.ndarray:
    """% of accounts active at each week's start (`week_starts`, datetime64, one more than weeks:
    the last entry ends the last week) that churned before the next week's start."""
    start = np.sort(started[~np.isnat(started)])
    ends = churned[~np.isnat(churned)]
    ends_sorted = np.sort(ends)
    began = np.searchsorted(start, week_starts, side="left").astype(np.float64)  # started before t
    gone = np.searchsorted(ends_sorted, week_starts, side="left").astype(np.float64)  # churned before t
    active = began[:-1] - gone[:-1]
    churned_in_week = gone[1:] - gone[:-1]
    return 100.0 * _ratio(churned_in_week, active)

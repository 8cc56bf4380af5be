"""A realistic synthetic year of CX data: survey answers, tickets and accounts.

Volume follows the seasons (busy in late November and December, quiet in summer); about two thirds
into the year an incident hits Enterprise customers for three weeks (slower answers, more repeat
contacts, NPS and CSAT down, churn up) and the numbers then recover. A handful of deliberately bad
rows show up in the digest's footer.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from bot.kpi.weeks import monday, week_of

SEGMENTS = np.array(["SMB", "Mid-market", "Enterprise"])
SEGMENT_SHARE = [0.5, 0.3, 0.2]
CHANNELS = np.array(["email", "chat", "phone"])


@dataclass
class DemoSize:
    weeks: int = 52
    tickets_per_week: int = 600
    surveys_per_week: int = 700
    accounts: int = 2000
    bad_rows: bool = True


def _times(rng: np.random.Generator, week: np.ndarray, first: int) -> np.ndarray:
    """A time inside each row's week, weighted to working hours (UTC)."""
    base = np.datetime64(monday(first).isoformat(), "s")
    day = rng.choice(7, len(week), p=[0.18, 0.18, 0.18, 0.17, 0.15, 0.07, 0.07])
    hour = np.clip(rng.normal(13, 3, len(week)), 0, 23.99)
    return base + ((week * 7 + day) * 86400 + (hour * 3600).astype(np.int64)).astype("timedelta64[s]")


def _incident(weeks: int) -> np.ndarray:
    """0..1 per week: how hard the incident hits (ramps up, holds, fades)."""
    start = int(weeks * 0.65)
    curve = np.zeros(weeks)
    for i, level in enumerate((0.6, 1.0, 0.8, 0.35, 0.1)):
        if start + i < weeks:
            curve[start + i] = level
    return curve


def _season(first: int, weeks: int) -> np.ndarray:
    doy = np.array([monday(first + w).timetuple().tm_yday for w in range(weeks)])
    return 1.0 + 0.25 * np.cos(2 * np.pi * (doy - 345) / 365.0)


def generate(out_dir: Path, last_week: int, size: DemoSize | None = None, seed: int = 7) -> dict[str, Path]:
    """Write `surveys.csv`, `tickets.csv` and `accounts.csv` for the weeks ending with `last_week`."""
    size = size or DemoSize()
    rng = np.random.default_rng(seed)
    first = last_week - size.weeks + 1
    season, hit = _season(first, size.weeks), _incident(size.weeks)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: out_dir / f"{name}.csv" for name in ("surveys", "tickets", "accounts")}

    # tickets
    per_week = rng.poisson(size.tickets_per_week * season * (1 + 0.45 * hit))
    week = np.repeat(np.arange(size.weeks), per_week)
    n = len(week)
    channel = rng.choice(3, n, p=[0.5, 0.35, 0.15])
    enterprise = rng.random(n) < 0.2 + 0.15 * hit[week]
    created = _times(rng, week, first)
    slow = 1 + 1.6 * hit[week] * enterprise + 0.3 * (season[week] - 1)
    frt = rng.lognormal(np.log(2.5), 0.7, n) * slow * np.array([1.6, 0.3, 0.1])[channel]
    res = frt + rng.lognormal(np.log(20), 0.9, n) * slow
    contacts = 1 + rng.poisson(0.25 + 0.9 * hit[week] * enterprise)
    open_ = rng.random(n) < np.where(week >= size.weeks - 1, 0.15, 0.01)
    first_at = created + (frt * 3600).astype("timedelta64[s]")
    resolved_at = (created + (res * 3600).astype("timedelta64[s]")).astype(str)
    resolved_at[open_] = ""
    with paths["tickets"].open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["ticket_id", "created_at", "first_response_at", "resolved_at", "contacts", "channel", "plan"])
        w.writerows(zip(np.arange(1, n + 1).astype(str), created.astype(str), first_at.astype(str),
                        resolved_at, contacts.astype(str), CHANNELS[channel],
                        np.where(enterprise, "Enterprise", "SMB"), strict=True))
        if size.bad_rows:
            w.writerow(["bad-1", "yesterday", "", "", "1", "email", "SMB"])
            w.writerow(["bad-2", created[-1].astype(str), created[-2].astype(str), "", "1", "chat", "SMB"])

    # surveys
    per_week = rng.poisson(size.surveys_per_week * np.ones(size.weeks))
    week = np.repeat(np.arange(size.weeks), per_week)
    n = len(week)
    segment = rng.choice(3, n, p=SEGMENT_SHARE)
    mood = 0.35 * (segment == 2) * hit[week] * 4 + 0.1 * hit[week] + 0.05 * (season[week] - 1)
    kind = rng.choice(3, n, p=[0.5, 0.3, 0.2])
    u = np.clip(rng.random(n) - mood * 0.35, 0, 0.999)
    nps_score = np.searchsorted(np.cumsum([.02, .01, .02, .02, .02, .03, .05, .10, .15, .25, .33]), u)
    csat_score = 1 + np.searchsorted(np.cumsum([.04, .05, .09, .37, .45]), u)
    ces_score = 1 + np.searchsorted(np.cumsum([.03, .04, .07, .12, .22, .30, .22]), u)
    score = np.select([kind == 0, kind == 1], [nps_score, csat_score], ces_score)
    with paths["surveys"].open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["response_id", "responded_at", "survey", "score", "segment"])
        w.writerows(zip(np.arange(1, n + 1).astype(str), _times(rng, week, first).astype(str),
                        np.array(["nps", "csat", "ces"])[kind], score.astype(str), SEGMENTS[segment], strict=True))
        if size.bad_rows:
            w.writerow(["bad-1", "2026-13-45", "nps", "9", "SMB"])
            w.writerow(["bad-2", _times(rng, week[-1:], first)[0].astype(str), "nps", "11", "SMB"])
            w.writerow(["bad-3", _times(rng, week[-1:], first)[0].astype(str), "csat", "great", "SMB"])

    # accounts: a steady base, a little churn every week, more during the incident
    start = np.datetime64(monday(first).isoformat(), "s")
    began = start - (rng.integers(1, 1500, size.accounts) * 86400).astype("timedelta64[s]")
    weekly = 0.0015 + 0.004 * hit
    churn_week = np.full(size.accounts, -1)
    for wk in range(size.weeks):
        alive = churn_week < 0
        churn_week[alive & (rng.random(size.accounts) < weekly[wk])] = wk
    churned = np.full(size.accounts, "", dtype=object)
    left = churn_week >= 0
    churned[left] = _times(rng, churn_week[left], first).astype(str)
    with paths["accounts"].open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["account_id", "started_at", "churned_at"])
        w.writerows(zip(np.arange(1, size.accounts + 1).astype(str), began.astype(str), churned, strict=True))
    return paths


def last_complete_week(today: date) -> int:
    """The week before the one `today` is in."""
    return week_of(today) - 1

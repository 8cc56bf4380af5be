"""ISO weeks as plain integers, so per-week grouping is one vectorised division.

Week index 0 is the ISO week starting Monday 1969-12-29 (the week holding the Unix epoch).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import numpy as np

_MONDAY0 = date(1969, 12, 29)
_LABEL = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


def week_of_times(times: np.ndarray) -> np.ndarray:
    """The week index of each `datetime64` (NaT gives a meaningless value: mask it first)."""
    days = times.astype("datetime64[D]").astype(np.int64)
    return (days + 3) // 7


def week_of(day: date | datetime) -> int:
    """The week index holding a date (a datetime counts by its own calendar date)."""
    d = day.date() if isinstance(day, datetime) else day
    return (d - _MONDAY0).days // 7


def monday(week: int) -> date:
    """The Monday starting a week index."""
    return _MONDAY0 + timedelta(days=7 * week)


def week_start_utc(week: int) -> datetime:
    m = monday(week)
    return datetime(m.year, m.month, m.day, tzinfo=UTC)


def label(week: int) -> str:
    """`2026-W47` for a week index."""
    year, num, _ = monday(week).isocalendar()
    return f"{year}-W{num:02d}"


def parse_label(text: str) -> int:
    """The week index of `2026-W47` (or `2026W47`); ValueError with a clear message otherwise."""
    m = _LABEL.match(text.strip())
    if not m:
        raise ValueError(f"not an ISO week: {text!r} (expected like 2026-W47)")
    year, num = int(m.group(1)), int(m.group(2))
    try:
        return week_of(date.fromisocalendar(year, num, 1))
    except ValueError as exc:
        raise ValueError(f"not an ISO week: {text!r} ({exc})") from None

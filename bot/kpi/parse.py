"""Turning raw column values into numbers and times, counting what cannot be read.

The fast path hands a whole column to numpy; when numpy refuses (a single bad value), only that
column chunk is read value by value, so one bad row costs little and is never silently dropped.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import numpy as np

NAT = np.datetime64("NaT", "s")


def _one_time(value: Any) -> tuple[np.datetime64, bool]:
    """One value as UTC datetime64[s]; (NaT, False) if empty, (NaT, True) if unreadable."""
    if value is None:
        return NAT, False
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip()
        if not text or text.lower() in ("nat", "null", "none", "nan"):
            return NAT, False
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            return NAT, True
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return np.datetime64(dt.replace(microsecond=0), "s"), False


def _days_from_civil(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    y = y - (m <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + np.where(m > 2, -3, 9)) + 2) // 5 + d - 1
    days: np.ndarray = era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
    return days


_DIM = np.array([31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _fast_iso(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Read `YYYY-MM-DD[( |T)HH:MM[:SS]]` byte strings arithmetically; `ok` marks rows read (or empty).

    numpy's own string-to-datetime cast is avoided on purpose: on some versions it crashes the
    interpreter when a large array holds one invalid date.
    """
    n = len(values)
    width = values.dtype.itemsize
    raw = np.zeros((n, 19), np.int16)
    view = np.ascontiguousarray(values).view(np.uint8).reshape(n, width)[:, :19]
    raw[:, : view.shape[1]] = view
    length = np.char.str_len(values)
    dig = raw - 48
    isdig = (dig >= 0) & (dig <= 9)

    def num(a: int, b: int) -> np.ndarray:
        out = np.zeros(n, np.int64)
        for i in range(a, b):
            out = out * 10 + dig[:, i]
        return out

    shape = isdig[:, [0, 1, 2, 3, 5, 6, 8, 9]].all(axis=1) & (raw[:, 4] == 45) & (raw[:, 7] == 45)
    y, mo, d = num(0, 4), num(5, 7), num(8, 10)
    has_time = length >= 16
    tshape = isdig[:, [11, 12, 14, 15]].all(axis=1) & np.isin(raw[:, 10], (32, 84)) & (raw[:, 13] == 58)
    has_sec = length == 19
    sshape = (raw[:, 16] == 58) & isdig[:, 17] & isdig[:, 18]
    hh, mm, ss = num(11, 13), num(14, 16), np.where(has_sec, num(17, 19), 0)
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    dim = _DIM[np.clip(mo - 1, 0, 11)] - ((mo == 2) & ~leap)
    ok = shape & (mo >= 1) & (mo <= 12) & (d >= 1) & (d <= dim) & np.isin(length, (10, 16, 19))
    ok &= ~has_time | (tshape & (hh < 24) & (mm < 60) & (ss < 60) & (~has_sec | sshape))
    secs = _days_from_civil(y, mo, d) * 86400 + np.where(has_time, hh * 3600 + mm * 60 + ss, 0)
    times = np.where(ok, secs, 0).astype("datetime64[s]")
    empty = length == 0
    times[empty | ~ok] = NAT
    return times, ok | empty


def parse_times(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`(times, bad)`: datetime64[s] in UTC (NaT where empty) and a mask of unreadable values."""
    if values.dtype.kind == "S" and len(values):
        out, ok = _fast_iso(values)
        bad = np.zeros(len(values), bool)
        for i in np.flatnonzero(~ok).tolist():
            out[i], bad[i] = _one_time(values[i])
        return out, bad
    out = np.empty(len(values), "datetime64[s]")
    bad = np.zeros(len(values), bool)
    for i, v in enumerate(values.tolist()):
        out[i], bad[i] = _one_time(v)
    return out, bad


def _one_number(value: Any) -> tuple[float, bool]:
    if value is None:
        return float("nan"), False
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, bool):
        return float(value), False
    if isinstance(value, int | float):
        return float(value), False
    text = str(value).strip()
    if not text:
        return float("nan"), False
    try:
        return float(text.replace(",", ".") if text.count(",") == 1 and "." not in text else text), False
    except ValueError:
        return float("nan"), True


def parse_numbers(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`(numbers, bad)`: float64 (NaN where empty) and a mask of unreadable values."""
    if values.dtype.kind in "SUif":
        try:
            return values.astype(np.float64), np.zeros(len(values), bool)
        except ValueError:
            pass
    out = np.empty(len(values), np.float64)
    bad = np.zeros(len(values), bool)
    for i, v in enumerate(values.tolist()):
        out[i], bad[i] = _one_number(v)
    bad |= ~np.isfinite(out) & ~np.isnan(out)
    return out, bad


def parse_labels(values: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """`(codes, names)`: small integer codes for a text column (empty text becomes `unknown`)."""
    if values.dtype.kind == "S":
        names_b, codes = np.unique(values, return_inverse=True)
        names = [n.decode("utf-8", "replace").strip() or "unknown" for n in names_b.tolist()]
    else:
        text = np.array([v.decode("utf-8", "replace") if isinstance(v, bytes) else "" if v is None else str(v)
                         for v in values.tolist()], dtype=str)
        names_o, codes = np.unique(text, return_inverse=True)
        names = [str(n).strip() or "unknown" for n in names_o.tolist()]
    return codes.astype(np.int32), names

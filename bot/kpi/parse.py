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


def _byte_matrix(values: np.ndarray, cols: int) -> np.ndarray:
    """The first `cols` bytes of each `S` string as an (n, cols) uint8 matrix, zero padded."""
    n, width = len(values), values.dtype.itemsize
    view = np.ascontiguousarray(values).view(np.uint8).reshape(n, width)
    if width >= cols:
        return view[:, :cols]
    out = np.zeros((n, cols), np.uint8)
    out[:, :width] = view
    return out


def _fast_iso(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Read `YYYY-MM-DD[( |T)HH:MM[:SS]]` byte strings arithmetically; `ok` marks rows read (or empty).

    numpy's own string-to-datetime cast is avoided on purpose: on some versions it crashes the
    interpreter when a large array holds one invalid date.
    """
    b = np.ascontiguousarray(_byte_matrix(values, 20).T)  # one contiguous row per character position
    d = b.astype(np.int16) - 48
    digit = (d >= 0) & (d <= 9)

    def num(*pos: int) -> tuple[np.ndarray, np.ndarray]:
        value = np.zeros(b.shape[1], np.int64)
        good = np.ones(b.shape[1], bool)
        for p in pos:
            value = value * 10 + d[p]
            good &= digit[p]
        return value, good

    y, ok = num(0, 1, 2, 3)
    mo, g2 = num(5, 6)
    day, g3 = num(8, 9)
    ok &= g2 & g3 & (b[4] == 45) & (b[7] == 45)
    hh, t1 = num(11, 12)
    mm, t2 = num(14, 15)
    ss, t3 = num(17, 18)
    t16 = t1 & t2 & ((b[10] == 32) | (b[10] == 84)) & (b[13] == 58)
    len10 = b[10] == 0
    len16 = t16 & (b[16] == 0)
    len19 = t16 & t3 & (b[16] == 58) & (b[19] == 0)
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    dim = _DIM[np.clip(mo - 1, 0, 11)] - ((mo == 2) & ~leap)
    ok &= (len10 | len16 | len19) & (mo >= 1) & (mo <= 12) & (day >= 1) & (day <= dim)
    ok &= (hh < 24) & (mm < 60) & (ss < 60)
    clock = np.where(len10, 0, hh * 3600 + mm * 60 + np.where(len19, ss, 0))
    secs = _days_from_civil(y, mo, day) * 86400 + clock
    times = np.where(ok, secs, 0).astype("datetime64[s]")
    empty = b[0] == 0
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
    if values.dtype.kind == "S" and len(values):
        b = _byte_matrix(values, 4)
        longer = b[:, 3] != 0 if values.dtype.itemsize <= 4 else np.ascontiguousarray(values).view(
            np.uint8).reshape(len(values), -1)[:, 3:].any(axis=1)
        d = b[:, :3] - np.uint8(48)
        present = b[:, :3] != 0
        ok = ~longer & ((d <= 9) | ~present).all(axis=1) & (present[:, 0] | ~present.any(axis=1))
        val = np.zeros(len(values), np.float64)
        for i in range(3):
            val = np.where(present[:, i], val * 10 + d[:, i], val)
        val[~present[:, 0]] = np.nan
        rest = np.flatnonzero(~ok)
        if len(rest) == 0:
            return val, np.zeros(len(values), bool)
        sub, bad_sub = parse_numbers(values[rest].astype(object))
        val[rest] = sub
        bad = np.zeros(len(values), bool)
        bad[rest] = bad_sub
        return val, bad
    if values.dtype.kind in "if":
        return values.astype(np.float64), np.zeros(len(values), bool)
    out = np.empty(len(values), np.float64)
    bad = np.zeros(len(values), bool)
    for i, v in enumerate(values.tolist()):
        out[i], bad[i] = _one_number(v)
    bad |= ~np.isfinite(out) & ~np.isnan(out)
    return out, bad


def label_keys(values: np.ndarray) -> np.ndarray:
    """Short byte labels (8 bytes or less) packed into uint64 keys; other arrays come back unchanged."""
    if values.dtype.kind != "S" or not len(values):
        return values
    raw = np.ascontiguousarray(values).view(np.uint8).reshape(len(values), -1)
    if raw.shape[1] < 8 or raw[:, 8:].any():
        return values
    return np.ascontiguousarray(raw[:, :8]).view(np.uint64).ravel()


def parse_labels(values: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """`(codes, names)`: small integer codes for a text column (empty text becomes `unknown`)."""
    if values.dtype == np.uint64:  # packed by `label_keys`: sorting integers is fast
        uniq, codes = np.unique(values, return_inverse=True)
        names_b = uniq.view("S8")
        names = [n.decode("utf-8", "replace").strip() or "unknown" for n in names_b.tolist()]
    elif values.dtype.kind == "S":
        names_b, codes = np.unique(values, return_inverse=True)
        names = [n.decode("utf-8", "replace").strip() or "unknown" for n in names_b.tolist()]
    else:
        text = np.array([v.decode("utf-8", "replace") if isinstance(v, bytes) else "" if v is None else str(v)
                         for v in values.tolist()], dtype=str)
        names_o, codes = np.unique(text, return_inverse=True)
        names = [str(n).strip() or "unknown" for n in names_o.tolist()]
    return codes.astype(np.int32), names

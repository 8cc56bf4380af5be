"""Reading a configured dataset into typed numpy columns, with every rejected row counted by reason."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from bot.i18n import N_, Translator, translator
from bot.kpi.config import Dataset
from bot.kpi.parse import label_keys, parse_labels, parse_numbers, parse_times
from bot.kpi.weeks import week_of_times

SURVEY_KINDS = ("nps", "csat", "ces")
LOWEST = np.array([0.0, 1.0, 1.0])  # answer scales of nps, csat, ces
HIGHEST = np.array([10.0, 5.0, 7.0])


@dataclass
class BadRows:
    """How many rows a dataset had and why some could not be used."""

    total: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    @property
    def bad(self) -> int:
        return sum(self.reasons.values())

    def reject(self, mask: np.ndarray, reason: str) -> np.ndarray:
        """Count the rows in `mask` under `reason`; return the mask of rows still good."""
        n = int(mask.sum())
        if n:
            self.reasons[reason] += n
        return ~mask

    def summary(self, t: Translator | None = None) -> str:
        """"6 of 10 rows skipped (4 unreadable date, ...)", in `t`'s language (reasons are marked `N_`)."""
        t = t or translator()
        parts = ", ".join(f"{t.number(n)} {t.gettext(why)}" for why, n in self.reasons.most_common())
        if not self.bad:
            return t.ngettext("{total} row, all usable", "{total} rows, all usable", self.total).format(
                total=t.number(self.total))
        return t.ngettext("{bad} of {total} row skipped ({why})", "{bad} of {total} rows skipped ({why})",
                          self.total).format(bad=t.number(self.bad), total=t.number(self.total), why=parts)


@dataclass
class Table:
    """Typed columns of one dataset (only good rows), their label names, and the rejected-row tally."""

    cols: dict[str, np.ndarray]
    segments: list[str]
    bad: BadRows


def _segment_codes(parts: list[np.ndarray]) -> tuple[np.ndarray, list[str]]:
    if not parts:
        return np.zeros(0, np.int32), []
    keys = [label_keys(p) for p in parts]
    if all(k.dtype == np.uint64 for k in keys):
        return parse_labels(np.concatenate(keys))
    if all(p.dtype.kind == "S" for p in parts):
        return parse_labels(np.concatenate(parts))
    return parse_labels(np.concatenate([p.astype(object) for p in parts]))


def _hours(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Hours from `start` to `end`; NaN where either is missing."""
    hours: np.ndarray = (end - start).astype(np.int64) / 3600.0
    hours[np.isnat(start) | np.isnat(end)] = np.nan
    return hours


def load_surveys(ds: Dataset) -> Table:
    """Columns `week`, `kind` (0 nps, 1 csat, 2 ces), `score`, `segment` (code)."""
    c = ds.columns
    bad = BadRows()
    out: dict[str, list[np.ndarray]] = {"week": [], "kind": [], "score": []}
    segs: list[np.ndarray] = []
    for chunk in ds.source.read([c["date"], c["survey"], c["score"], c["segment"]]):
        bad.total += len(chunk.columns[c["date"]]) + chunk.malformed
        if chunk.malformed:
            bad.reasons[N_("malformed line")] += chunk.malformed
        when, bad_time = parse_times(chunk.columns[c["date"]])
        score, bad_score = parse_numbers(chunk.columns[c["score"]])
        kinds_raw = np.char.lower(np.char.strip(chunk.columns[c["survey"]].astype("U16")))
        kind = np.full(len(score), -1, np.int8)
        for code, name in enumerate(SURVEY_KINDS):
            kind[kinds_raw == name] = code
        ok = bad.reject(bad_time | np.isnat(when), N_("unreadable or missing date"))
        ok &= bad.reject(ok & (kind < 0), N_("unknown survey type"))
        ok &= bad.reject(ok & (bad_score | np.isnan(score)), N_("unreadable or missing score"))
        lo, hi = LOWEST[np.clip(kind, 0, 2)], HIGHEST[np.clip(kind, 0, 2)]
        ok &= bad.reject(ok & ((score < lo) | (score > hi)), N_("score out of range"))
        out["week"].append(week_of_times(when[ok]))
        out["kind"].append(kind[ok])
        out["score"].append(score[ok])
        segs.append(chunk.columns[c["segment"]][ok])
    codes, names = _segment_codes(segs)
    cols = _columns(out)
    cols["segment"] = codes
    return Table(cols, names, bad)


# dtypes of columns that are not float, for a source that yielded no rows at all
EMPTY_DTYPES: dict[str, type] = {"week": np.int64, "kind": np.int8, "resolved": np.bool_}


def _columns(parts: dict[str, list[np.ndarray]]) -> dict[str, np.ndarray]:
    """Join each column's chunks; an empty source still gets columns of the right dtype."""
    return {k: np.concatenate(v) if v else np.zeros(0, dtype=EMPTY_DTYPES.get(k, np.float64)) for k, v in parts.items()}


def load_tickets(ds: Dataset) -> Table:
    """Columns `week`, `frt` and `res` (hours or NaN), `resolved`, `contacts`, `segment` (code)."""
    c = ds.columns
    bad = BadRows()
    out: dict[str, list[np.ndarray]] = {"week": [], "frt": [], "res": [], "resolved": [], "contacts": []}
    segs: list[np.ndarray] = []
    names = [c["created"], c["first_response"], c["resolved"], c["contacts"], c["segment"]]
    for chunk in ds.source.read(names):
        col = chunk.columns
        bad.total += len(col[c["created"]]) + chunk.malformed
        if chunk.malformed:
            bad.reasons[N_("malformed line")] += chunk.malformed
        created, b1 = parse_times(col[c["created"]])
        first, b2 = parse_times(col[c["first_response"]])
        solved, b3 = parse_times(col[c["resolved"]])
        contacts, b4 = parse_numbers(col[c["contacts"]])
        ok = bad.reject(b1 | np.isnat(created), N_("unreadable or missing date"))
        ok &= bad.reject(ok & (b2 | b3), N_("unreadable date"))
        ok &= bad.reject(ok & (b4 | (contacts < 0)), N_("unreadable contact count"))
        frt = _hours(created, first)
        res = _hours(created, solved)
        ok &= bad.reject(ok & ((frt < 0) | (res < 0)), N_("answer or resolution before creation"))
        out["week"].append(week_of_times(created[ok]))
        out["frt"].append(frt[ok])
        out["res"].append(res[ok])
        out["resolved"].append(~np.isnat(solved[ok]))
        out["contacts"].append(contacts[ok])
        segs.append(col[c["segment"]][ok])
    codes, seg_names = _segment_codes(segs)
    cols = _columns(out)
    cols["segment"] = codes
    return Table(cols, seg_names, bad)


def load_accounts(ds: Dataset) -> Table:
    """Columns `started` and `churned` (datetime64, NaT while active)."""
    c = ds.columns
    bad = BadRows()
    started_parts: list[np.ndarray] = []
    churned_parts: list[np.ndarray] = []
    for chunk in ds.source.read([c["started"], c["churned"]]):
        bad.total += len(chunk.columns[c["started"]]) + chunk.malformed
        if chunk.malformed:
            bad.reasons[N_("malformed line")] += chunk.malformed
        started, b1 = parse_times(chunk.columns[c["started"]])
        churned, b2 = parse_times(chunk.columns[c["churned"]])
        ok = bad.reject(b1 | b2 | np.isnat(started), N_("unreadable or missing date"))
        ok &= bad.reject(ok & (churned < started), N_("churned before it started"))
        started_parts.append(started[ok])
        churned_parts.append(churned[ok])
    empty = np.zeros(0, "datetime64[s]")
    return Table({"started": np.concatenate(started_parts) if started_parts else empty,
                  "churned": np.concatenate(churned_parts) if churned_parts else empty}, [], bad)

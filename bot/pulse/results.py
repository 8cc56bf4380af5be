"""Pulse results from vote counts, with the anonymity floor applied before anything is shown."""

from __future__ import annotations

from dataclasses import dataclass

from bot.pulse.store import Tally


@dataclass(frozen=True)
class StatementResult:
    """One statement's figures. `shown` is False below the anonymity floor: then only `n` is known."""

    index: int
    text: str
    n: int
    shown: bool
    mean: float | None = None
    distribution: tuple[tuple[int, int], ...] = ()  # (score, count) for every point of the scale
    previous_mean: float | None = None

    @property
    def change(self) -> float | None:
        if self.mean is None or self.previous_mean is None:
            return None
        return round(self.mean - self.previous_mean, 2)


@dataclass(frozen=True)
class PulseResults:
    pulse_id: int
    title: str
    participation: int
    statements: tuple[StatementResult, ...]
    scale: tuple[int, int]
    k: int
    previous_id: int | None = None


def _mean(counts: dict[int, int]) -> float:
    n = sum(counts.values())
    return round(sum(score * c for score, c in counts.items()) / n, 2)


def compute(
    *, pulse_id: int, title: str, statements: list[str], scale: tuple[int, int], tally: Tally,
    participation: int, k: int, previous: Tally | None = None, previous_id: int | None = None,
) -> PulseResults:
    """Per statement: responses, and (only with at least `k` responses) mean, distribution and change."""
    lo, hi = scale
    out = []
    for i, text in enumerate(statements):
        counts = tally.get(i, {})
        n = sum(counts.values())
        if n < max(k, 1):
            out.append(StatementResult(i, text, n, shown=False))
            continue
        prev_counts = (previous or {}).get(i, {})
        prev_mean = _mean(prev_counts) if sum(prev_counts.values()) >= max(k, 1) else None
        dist = tuple((s, counts.get(s, 0)) for s in range(lo, hi + 1))
        out.append(StatementResult(i, text, n, True, _mean(counts), dist, prev_mean))
    return PulseResults(pulse_id, title, participation, tuple(out), scale, k, previous_id)


def to_rows(results: PulseResults) -> list[dict[str, str | int | float]]:
    """Aggregates as flat rows (CSV export): figures blank below the anonymity floor."""
    lo, hi = results.scale
    rows: list[dict[str, str | int | float]] = []
    for st in results.statements:
        row: dict[str, str | int | float] = {
            "pulse_id": results.pulse_id, "statement": st.index + 1, "text": st.text, "responses": st.n,
            "participants": results.participation, "mean": st.mean if st.shown and st.mean is not None else "",
            "change": st.change if st.change is not None else "",
        }
        dist = dict(st.distribution)
        for score in range(lo, hi + 1):
            row[f"score_{score}"] = dist.get(score, 0) if st.shown else ""
        rows.append(row)
    return rows

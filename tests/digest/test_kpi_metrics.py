"""Each metric on small examples computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bot.kpi import metrics

W0 = np.zeros  # every row in week 0


def one(values: np.ndarray) -> float:
    return float(values[0])


def test_nps_is_promoters_minus_detractors_in_percent() -> None:
    # 10 answers: promoters 9,9,10,10 (4) · passives 7,8 (2) · detractors 0,3,6,6 (4) -> 40% - 40% = 0
    scores = np.array([9, 9, 10, 10, 7, 8, 0, 3, 6, 6], float)
    assert one(metrics.nps(W0(10, int), scores, 1)) == pytest.approx(0.0)
    # 4 answers: 10, 9, 8, 2 -> 50% promoters - 25% detractors = 25
    assert one(metrics.nps(W0(4, int), np.array([10, 9, 8, 2], float), 1)) == pytest.approx(25.0)


def test_nps_per_week_and_empty_week_is_nan() -> None:
    week = np.array([0, 0, 2])
    out = metrics.nps(week, np.array([10, 0, 9], float), 3)
    assert out[0] == pytest.approx(0.0) and math.isnan(out[1]) and out[2] == pytest.approx(100.0)


def test_csat_is_share_of_four_and_five() -> None:
    # 1,2,3,4,5,5,4,4 -> 5 of 8 are 4-5 = 62.5%
    assert one(metrics.csat(W0(8, int), np.array([1, 2, 3, 4, 5, 5, 4, 4], float), 1)) == pytest.approx(62.5)


def test_ces_is_the_mean() -> None:
    assert one(metrics.ces(W0(4, int), np.array([7, 5, 3, 6], float), 1)) == pytest.approx(5.25)


def test_fcr_counts_resolved_tickets_with_one_contact() -> None:
    contacts = np.array([1, 1, 2, 3, 1], float)
    resolved = np.array([True, True, True, True, False])  # the open ticket does not count
    assert one(metrics.fcr(W0(5, int), contacts, resolved, 1)) == pytest.approx(50.0)


def test_median_odd_even_and_missing() -> None:
    assert one(metrics.median(W0(3, int), np.array([5.0, 1.0, 3.0]), 1)) == 3.0
    assert one(metrics.median(W0(4, int), np.array([4.0, 1.0, 2.0, 10.0]), 1)) == 3.0
    week = np.array([1, 1, 0, 1])
    out = metrics.median(week, np.array([2.0, np.nan, 7.0, 4.0]), 2)
    assert list(out) == [7.0, 3.0]


def test_volume_counts_rows_per_week() -> None:
    assert list(metrics.volume(np.array([0, 1, 1, 1, 5]), 3)) == [1.0, 3.0, 0.0]


def test_churn_rate_is_churned_in_week_over_active_at_start() -> None:
    d = lambda s: np.datetime64(s, "s")  # noqa: E731
    started = np.array([d("2026-01-01T00:00:00")] * 4 + [d("2026-01-06T00:00:00")])
    nat = np.datetime64("NaT", "s")
    churned = np.array([d("2026-01-07T12:00:00"), nat, nat, d("2026-01-13T00:00:00"), nat])
    starts = np.array([d("2026-01-05T00:00:00"), d("2026-01-12T00:00:00"), d("2026-01-19T00:00:00")])
    out = metrics.churn_rate(started, churned, starts)
    # week 1: 4 active at its start, 1 churned -> 25%; week 2: 5 - 1 = 4 active, 1 churned -> 25%
    assert list(out) == [25.0, 25.0]

"""Locale-aware figures: the German reader sees "1,7 h", "23.–29. Nov. 2026" and "83 %"."""

from __future__ import annotations

from datetime import date

from bot.i18n import language_of, translator

NBSP = "\u00a0"


def test_german_figures() -> None:
    t = translator("de")
    assert t.duration_hours(1.7) == f"1,7{NBSP}h"
    assert t.date_range(date(2026, 11, 23), date(2026, 11, 29)) == "23.–29. Nov. 2026"
    assert t.percent(0.83) == f"83{NBSP}%"
    assert t.number(12345.678, 1) == "12.345,7"
    assert t.fixed(4.0, 2) == "4,00"


def test_english_figures() -> None:
    t = translator("en")
    assert t.duration_hours(1.7) == f"1.7{NBSP}h"
    assert t.date_range(date(2026, 11, 23), date(2026, 11, 29)) == "Nov 23\u2009–\u200929, 2026"
    assert t.percent(0.83) == "83%"
    assert t.number(12345.678, 1) == "12,345.7"


def test_platform_locales_map_to_supported_languages() -> None:
    assert [language_of(x) for x in ("de-DE", "de_AT", "EN-us", "fr-FR", "", None)] == [
        "de", "de", "en", None, None, None]


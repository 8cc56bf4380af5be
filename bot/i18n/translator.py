"""The per-message `Translator`: gettext for the bot's words, Babel for numbers, dates and percentages."""

from __future__ import annotations

import datetime as dt
import gettext
import io
from functools import cache
from pathlib import Path
from typing import Final

LANGUAGES: Final = ("en", "de")
DEFAULT_LANGUAGE: Final = "en"
DOMAIN: Final = "cxbot"
LOCALE_DIR: Final = Path(__file__).parent / "locale"


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it yet (translate later with `t.gettext`)."""
    return message


def language_of(locale: str | None) -> str | None:
    """The supported language a platform locale names ("de-DE", "de_AT", "en"), or None."""
    if not locale:
        return None
    lang = locale.replace("_", "-").split("-", 1)[0].strip().lower()
    return lang if lang in LANGUAGES else None


def catalog_path(language: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _translations(language: str) -> gettext.NullTranslations:
    """Load a language's .po at run time (no build step): Babel reads it, writes .mo bytes in memory."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    path = catalog_path(language)
    if not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=language, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


class Translator:
    """The bot's words and figures in one language. Get one with `translator(lang)`."""

    def __init__(self, language: str) -> None:
        self.language = language if language in LANGUAGES else DEFAULT_LANGUAGE
        self._tr = _translations(self.language)

    def __repr__(self) -> str:
        return f"Translator({self.language!r})"

    # ------------------------------------------------------------------ words
    def gettext(self, message: str) -> str:
        """`message` (English source text) in this language."""
        return self._tr.gettext(message) if message else message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The singular or plural form for `n`, in this language (format `{n}` yourself)."""
        return self._tr.ngettext(singular, plural, n)

    # ------------------------------------------------------------------ figures
    def number(self, value: float, digits: int = 0) -> str:
        """`value` with up to `digits` decimals, grouped: 1,234.5 / 1.234,5."""
        from babel.numbers import format_decimal

        pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
        return format_decimal(value, format=pattern, locale=self.language)

    def fixed(self, value: float, digits: int = 1) -> str:
        """`value` with exactly `digits` decimals: 1.7 / 1,7."""
        from babel.numbers import format_decimal

        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
        return format_decimal(value, format=pattern, locale=self.language)

    def percent(self, fraction: float, digits: int = 0) -> str:
        """A fraction (0.83) as a percentage: "83%" / "83 %"."""
        from babel import Locale
        from babel.numbers import format_percent

        pattern = Locale.parse(self.language).percent_formats[None].pattern  # "#,##0%" / "#,##0 %"
        if digits > 0:
            pattern = pattern.replace("#,##0", "#,##0." + "#" * digits, 1)
        return format_percent(fraction, format=pattern, locale=self.language)

    def duration_hours(self, hours: float, digits: int = 1) -> str:
        """Hours as "1.7 h" / "1,7 h"."""
        return f"{self.number(hours, digits)}\u00a0h"

    def date(self, day: dt.date | dt.datetime, style: str = "medium") -> str:
        """A day: "Nov 23, 2026" / "23.11.2026"."""
        from babel.dates import format_date

        return format_date(day, format=style, locale=self.language)

    def datetime(self, moment: dt.datetime) -> str:
        """A moment, 24-hour clock: "Nov 30, 2026, 14:00" / "30. Nov. 2026, 14:00" (no time-zone shift)."""
        from babel.dates import format_skeleton

        day = format_skeleton("yMMMd", moment, locale=self.language)
        return f"{day}, {format_skeleton('Hm', moment, locale=self.language)}"

    def time(self, moment: dt.datetime, style: str = "short") -> str:
        from babel.dates import format_time

        return format_time(moment, format=style, locale=self.language)

    def span(self, delta: dt.timedelta) -> str:
        """A length of time, rounded to its largest unit: "3 days" / "3 Tage"."""
        from babel.dates import format_timedelta

        return format_timedelta(delta, threshold=1.0, locale=self.language)

    def date_range(self, start: dt.date, end: dt.date) -> str:
        """Two days as one range: "Nov 23 – 29, 2026" / "23.–29. Nov. 2026"."""
        from babel.dates import format_interval

        return format_interval(start, end, skeleton="yMMMd", locale=self.language)

    def and_list(self, items: list[str]) -> str:
        """"a, b, and c" / "a, b und c"."""
        from babel.lists import format_list

        return format_list(items, locale=self.language) if items else ""


@cache
def translator(language: str | None = None) -> Translator:
    """The (shared, immutable) translator for `language`; unknown or empty: English."""
    return Translator(language_of(language) or DEFAULT_LANGUAGE)


class UserError(ValueError):
    """Input a person got wrong; `text(t)` says what, in their language.

    `message` is marked with `N_` at the raise (`UserError(N_("`{word}` is not a day"), word=w)`) and may
    hold `{placeholders}` filled from `values`; `str(error)` is the English text (logs, the CLI).
    """

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message.format(**values))
        self.message = message
        self.values = values

    def text(self, t: Translator) -> str:
        return t.gettext(self.message).format(**self.values)

"""cxbot's own words in German and English: gettext catalogs plus locale-aware numbers and dates.

A `Translator` is chosen per message, never switched process-wide: one server answers German and
English users at once. Mark a string with `t.gettext("...")` (or `t.ngettext`) where a translator is at
hand, or with `N_("...")` where it is defined before the language is known (module constants, command
summaries) and translate it later with `t.gettext(CONSTANT)`. `python -m bot.i18n update` (or
`make i18n`) extracts the marked strings and updates the catalogs; see docs/i18n.md.
"""

from __future__ import annotations

from bot.i18n.translator import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    N_,
    Translator,
    UserError,
    language_of,
    translator,
)

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "N_", "Translator", "UserError", "language_of", "translator"]

"""Every string the bot shows is in both catalogs, and German ones are translated.

The strings are extracted from the source at test time (as `python -m bot.i18n update` does), so a new
`t.gettext("...")` without a catalog entry or a German translation fails here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.i18n import translator
from bot.i18n.extract import PACKAGE, check, extract
from bot.i18n.translator import LOCALE_DIR


def test_every_marked_string_has_an_english_entry_and_a_german_translation() -> None:
    problems = check()
    assert problems.missing == {"en": [], "de": []}
    assert problems.untranslated == {"en": [], "de": []}
    assert len(extract()) > 10


def test_a_planted_untranslated_string_fails_the_check(tmp_path: Path) -> None:
    source = tmp_path / "bot"
    shutil.copytree(PACKAGE, source, ignore=shutil.ignore_patterns("__pycache__", "locale"))
    (source / "planted.py").write_text(
        'def hello(t):\n    return t.gettext("A planted string nobody translated")\n', encoding="utf-8"
    )
    problems = check(source, LOCALE_DIR)
    assert bool(problems)
    assert problems.missing == {"en": ["A planted string nobody translated"],
                                "de": ["A planted string nobody translated"]}


def test_an_entry_without_german_text_fails_the_check(tmp_path: Path) -> None:
    locale = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, locale)
    po = locale / "de" / "LC_MESSAGES" / "cxbot.po"
    text = po.read_text(encoding="utf-8")
    emptied = text.replace('msgstr "Das kann ich:"', 'msgstr ""')
    assert emptied != text
    po.write_text(emptied, encoding="utf-8")
    problems = check(PACKAGE, locale)
    assert bool(problems)
    assert problems.untranslated["de"] == ["Here is what I can do:"]


def test_german_catalog_is_loaded_and_english_is_the_source_text() -> None:
    assert translator("de-DE").gettext("Here is what I can do:") == "Das kann ich:"
    assert translator("en-US").gettext("Here is what I can do:") == "Here is what I can do:"
    assert translator("fr-FR").language == "en"


def test_no_marked_string_hides_inside_an_f_string() -> None:
    """Python 3.11 tokenizes an f-string whole, so a `t.gettext("...")` inside one is never extracted."""

    import re
    import tokenize

    marked = re.compile(r"""\b(gettext|ngettext|N_)\(\s*['"]""")
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        with path.open("rb") as fh:
            for tok in tokenize.tokenize(fh.readline):
                prefix = re.match(r"[A-Za-z]*", tok.string)
                if tok.type == tokenize.STRING and prefix and "f" in prefix.group().lower() and marked.search(tok.string):
                    offenders.append(f"{path.relative_to(PACKAGE.parent)}:{tok.start[0]}")
    assert offenders == []


def test_every_registered_command_has_a_translated_summary_and_usage(settings_factory) -> None:  # type: ignore[no-untyped-def]
    """Summaries and usages are shown by `help` and App Home: a docstring fallback would stay English."""
    from bot.app import build_services
    from bot.i18n.extract import load

    services = build_services(settings_factory())
    try:
        german = {m.id: m.string for m in load("de") if m.id and isinstance(m.id, str)}
        untranslated = [f"{spec.word}: {text!r}" for spec in services.router.commands.values()
                        for text in (spec.summary, spec.usage) if text != spec.word and not german.get(text)]
        assert untranslated == []
        assert len(services.router.commands) >= 4
    finally:
        services.close()

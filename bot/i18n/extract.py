"""Extract the marked strings from the source and compare or merge them with the catalogs.

Used by `python -m bot.i18n` (update / check) and by the catalog-completeness test, so a string
that is shown but not translated fails CI.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from bot.i18n.translator import DOMAIN, LANGUAGES, LOCALE_DIR, catalog_path

PACKAGE = Path(__file__).resolve().parent.parent  # bot/
# The calls whose string arguments are messages: `t.gettext("...")`, `t.ngettext("one", "many", n)`,
# `N_("...")` (marked now, translated later). The same list works for `pybabel extract -k`.
KEYWORDS: dict[str, tuple[int, ...] | None] = {"gettext": None, "ngettext": (1, 2), "N_": None, "_": None}
METHOD_MAP = [("i18n/**.py", "ignore"), ("**.py", "python")]
# Translators' notes: a comment starting with "i18n:" just above a marked string lands in the catalog.
COMMENT_TAGS = ["i18n:"]
# A fixed header, so an update changes a catalog only where its strings change (parallel work merges).
HEADER = {"project": "cxbot", "version": "1", "copyright_holder": "the cxbot authors",
          "msgid_bugs_address": "", "last_translator": "cxbot", "language_team": "cxbot",
          "creation_date": datetime(2026, 11, 30, tzinfo=UTC), "revision_date": datetime(2026, 11, 30, tzinfo=UTC)}


def extract(root: Path = PACKAGE) -> Catalog:
    """Every marked string under `root` (the `bot` package), as a template catalog."""
    template = Catalog(domain=DOMAIN, charset="utf-8", **HEADER)  # type: ignore[arg-type]
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root), METHOD_MAP, {}, KEYWORDS, COMMENT_TAGS, strip_comment_tags=True
    ):
        path = f"bot/{Path(filename).as_posix()}"
        template.add(message, None, [(path, lineno)], auto_comments=comments, context=context)
    return template


def load(language: str, locale_dir: Path = LOCALE_DIR) -> Catalog:
    path = catalog_path(language, locale_dir)
    if not path.exists():
        return Catalog(locale=language, domain=DOMAIN, fuzzy=False, **HEADER)  # type: ignore[arg-type]
    with path.open("rb") as fh:
        return read_po(fh, locale=language, domain=DOMAIN)


def save(catalog: Catalog, language: str) -> Path:
    path = catalog_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        # Sorted, without line numbers: catalogs change only when strings do, so parallel work merges.
        write_po(fh, catalog, width=110, sort_output=True, include_lineno=False, ignore_obsolete=True)
    return path


def update(root: Path = PACKAGE) -> dict[str, list[str]]:
    """Merge the source's strings into every catalog (new ones empty, gone ones dropped).

    Returns, per language, the messages still without a translation (English needs none: the
    source text is English).
    """
    template = extract(root)
    missing: dict[str, list[str]] = {}
    for language in LANGUAGES:
        catalog = load(language)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.fuzzy = False
        for name, value in HEADER.items():
            setattr(catalog, name, value)
        save(catalog, language)
        missing[language] = untranslated(catalog) if language != "en" else []
    return missing


def _key(message: str | tuple[str, ...] | list[str]) -> str:
    return message if isinstance(message, str) else message[0]


def untranslated(catalog: Catalog) -> list[str]:
    """Messages with an empty (or fuzzy) translation."""
    out = []
    for msg in catalog:
        if not msg.id:
            continue
        strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
        if msg.fuzzy or not all(strings):
            out.append(_key(msg.id))
    return out


@dataclass
class Problems:
    """What the catalogs lack against the source; empty when complete."""

    missing: dict[str, list[str]]  # language -> source strings absent from its catalog
    untranslated: dict[str, list[str]]  # language -> present but without a translation
    stale: dict[str, list[str]]  # language -> catalog strings no longer in the source

    def __bool__(self) -> bool:
        return any(self.missing.values()) or any(self.untranslated.values())


def check(root: Path = PACKAGE, locale_dir: Path = LOCALE_DIR) -> Problems:
    """Compare the source's marked strings with each catalog, without writing anything."""
    template = extract(root)
    wanted = {_key(m.id) for m in template if m.id}
    problems = Problems({}, {}, {})
    for language in LANGUAGES:
        catalog = load(language, locale_dir)
        have = {_key(m.id) for m in catalog if m.id}
        problems.missing[language] = sorted(wanted - have)
        problems.untranslated[language] = [] if language == "en" else sorted(set(untranslated(catalog)) & wanted)
        problems.stale[language] = sorted(have - wanted)
    return problems

"""A readable title for a document that has none of its own.

A loader that finds no title takes the file's name ("cs-ta-cadences.md" → "Cs ta cadences"). A name
made of ids, hashes or numbers ("004_e95ca14b17e34005.txt") is no title for a reader: such a document
is shown by the heading it opens with, else by its title line (a short first line without closing
punctuation, as a plain-text article opens: "Willkommen in der CX-Organisation"), else by its first sentence,
shortened at a word boundary. A dateline before it ("17. Mai 22", "May 17, 2022") is no title.

The readable title is display metadata only: what is embedded and keyword-indexed keeps the loader's
title, so retrieval does not depend on it. `VERSION` is stored with each chunk; an index written with
another version is rewritten by the next ingest (its embeddings come from the cache).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from bot.ingest.loaders import Document, name_title
from bot.text import sentences

VERSION = 2
MAX_WORDS = 8
_WORD = re.compile(r"[^\W\d_]{2,}")  # letters only, two or more
_PARTS = re.compile(r"[\s._\-–]+")
# A title line has at most this many words.
TITLE_LINE_WORDS = 12


@lru_cache(maxsize=1)
def _months() -> frozenset[str]:
    """Month names, wide and abbreviated, in English and German (CLDR, via `babel`)."""
    from babel import Locale

    names: set[str] = set()
    for lang in ("en", "de"):
        months = Locale(lang).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                names.update(n.lower().rstrip(".") for n in months[context][width].values())
    return frozenset(names)


def is_dateline(line: str) -> bool:
    """A line that is only a date ("17. Mai 22", "May 17, 2022", "2022-05-17")."""
    return bool(re.search(r"\d", line)) and all(w.lower() in _months() for w in _WORD.findall(line))


def is_words(stem: str) -> bool:
    """A file name a reader can read as a title: at least half its parts are words, none a long id."""
    parts = [p for p in _PARTS.split(stem) if p]
    if not parts:
        return False
    words = [p for p in parts if _WORD.fullmatch(p) and len(p) <= 24]
    ids = [p for p in parts if not _WORD.fullmatch(p) and len(p) >= 6]  # hashes, uuids, long numbers
    return not ids and 2 * len(words) >= len(parts)


def shorten(text: str, max_words: int = MAX_WORDS) -> str:
    """`text` cut to `max_words` words at a word boundary, "…" where something was cut."""
    words = text.split()
    if len(words) <= max_words:
        return " ".join(words)
    return " ".join(words[:max_words]).rstrip(",;:–-") + "…"


def readable_title(doc: Document) -> str:
    """The document's own title; for a nameless one its opening heading or first sentence (see module)."""
    if doc.title != name_title(doc.path) or is_words(Path(doc.path).stem):
        return doc.title
    first = next((s for s in doc.sections if s.text.strip()), None)
    if first is None:
        return doc.title
    heading = first.heading.split(" › ")[0].strip()
    if heading:
        return shorten(heading)
    lines = [line.strip() for line in first.text.splitlines() if line.strip()]
    while lines and is_dateline(lines[0]):
        lines.pop(0)
    if len(lines) > 1 and len(lines[0].split()) <= TITLE_LINE_WORDS and not lines[0].endswith((".", "!", "?", ":", ";", ",")):
        return shorten(lines[0])
    lead = sentences("\n".join(lines))
    return shorten(lead[0]) if lead else doc.title

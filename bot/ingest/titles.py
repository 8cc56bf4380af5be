"""A readable title for a document that has none of its own.

A loader that finds no title takes the file's name ("cs-ta-cadences.md" → "Cs ta cadences"). A name
made of ids, hashes or numbers ("004_e95ca14b17e34005.txt") is no title for a reader: such a document
is shown by the heading it opens with, else by its first sentence, shortened at a word boundary.

The readable title is display metadata only: what is embedded and keyword-indexed keeps the loader's
title, so retrieval does not depend on it. `VERSION` is stored with each chunk; an index written with
another version is rewritten by the next ingest (its embeddings come from the cache).
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.ingest.loaders import Document, name_title
from bot.text import sentences

VERSION = 1
MAX_WORDS = 8
_WORD = re.compile(r"[^\W\d_]{2,}")  # letters only, two or more
_PARTS = re.compile(r"[\s._\-–]+")


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
    lead = sentences(first.text)
    return shorten(lead[0]) if lead else doc.title

"""German→English and English→German word lists from installed FreeDict dictionaries, for the word bridge.

The embedding bridge (`bot.search.lexicon`) pairs words whose vectors are close, which works for "Mitglied" →
"member" but not for the words German questions about English pages hinge on: "Urlaub" sits as close to "url"
as to "vacation", and "Warteschlange" or "Urlaubsantrag" have no close English neighbour at all. A bilingual
dictionary knows them. FreeDict's German–English dictionary (Debian package `dict-freedict-deu-eng`, GPL,
installed beside cxbot, never shipped with it) is read in the dictd format it comes in: a tab-separated
index of headwords with base64 offsets into a (dict)zipped text of entries. Its English–German counterpart
(`dict-freedict-eng-deu`) does the same for English questions about German articles ("departments" →
"Abteilungen", "slows" → "verlangsamt", "buyers" → "Käufer"), which e5 alone places mostly near the article's
opening sentences.

Only what a question could use is kept: headwords whose translations name words the index holds, mapped to
those words. The table is built once per dictionary and vocabulary and cached as JSON under the data dir;
without the dictionary the bridge works as before.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from bot.text import STOP

log = logging.getLogger(__name__)

# dictd file stem per (question language, index language)
DICTIONARIES = {("de", "en"): "freedict-deu-eng", ("en", "de"): "freedict-eng-deu"}
_B64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}
# grammar tags, usage labels and notes inside a translation line: "<n>", "[Br.]", "(coll.)"
_MARKUP = re.compile(r"<[^>]*>|\[[^\]]*\]|\([^)]*\)|\{[^}]*\}")
_WORD = re.compile(r"[^\W\d_]{3,}")
# A translation of more words is a paraphrase ("person who …"), not a word to search for.
MAX_PHRASE = 3
# Source languages whose everyday words ("like", "way", "kind", "make") are not looked up: FreeDict's English-
# German dictionary lists every sense of them ("like" → "gleiche", "kind" → "Art"), and those translations
# match German sentences about anything. The German-English one gives few senses per word, and its everyday
# words ("Stellen", "Schlüssel", "melden") carry German questions about English pages.
EVERYDAY = {"en": False, "de": True}
# Bumped when the way a table is read from a dictionary changes: cached tables of another version are rebuilt.
VERSION = 2  # 2: translations under a subject label ("[adm.]", "[econ.]") read too
# A compound's head ("Kundenproblem" → "problem") is looked up when the word itself is missing.
MIN_HEAD = 4


def _number(code: str) -> int:
    n = 0
    for ch in code:
        n = n * 64 + _B64[ch]
    return n


def entries(index: Path, data: Path) -> Iterator[tuple[str, set[str]]]:
    """(headword, the words of its first translation line) for each one-word headword of a dictd dictionary."""
    text = gzip.decompress(data.read_bytes()) if data.suffix == ".dz" else data.read_bytes()
    for line in index.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("\t")
        if len(parts) < 3 or parts[0].startswith("00") or " " in parts[0].strip():
            continue
        try:
            start, size = _number(parts[1]), _number(parts[2])
        except KeyError:
            continue
        body = text[start : start + size].decode("utf-8", errors="replace").split("\n")
        # the first translation line; one indented under a subject label ("  [adm.] on-call service") counts too
        if len(body) < 2 or not body[1] or (body[1][0].isspace() and not body[1].lstrip().startswith("[")):
            continue
        found: set[str] = set()
        for phrase in _MARKUP.sub(" ", body[1]).split(","):
            ws = _WORD.findall(phrase.lower())
            if 0 < len(ws) <= MAX_PHRASE:
                found.update(w for w in ws if w not in STOP)
        if found:
            yield parts[0].strip().lower(), found


class Glossary:
    """Words of one language → the index's words of another that translate them."""

    def __init__(self, table: dict[str, list[str]] | None = None) -> None:
        self.table = table or {}
        # Whether everyday words are looked up (`lexicon.everyday`): set per source language, see `EVERYDAY`.
        self.everyday = True

    def __len__(self) -> int:
        return len(self.table)

    def lookup(self, word: str) -> list[str]:
        """The translations of `word` (lower case); for a compound the dictionary lacks, those of its last
        hyphenated part or of its longest known head ("Kundenproblem" → "problem")."""
        if word in self.table:
            return self.table[word]
        parts = word.split("-")
        if len(parts) > 1 and parts[-1] in self.table:
            return self.table[parts[-1]]
        for i in range(3, len(word) - MIN_HEAD + 1):
            if word[i:] in self.table:
                return self.table[word[i:]]
        return []

    @classmethod
    def build(cls, index: Path, data: Path, vocabulary: set[str]) -> Glossary:
        table: dict[str, set[str]] = {}
        for head, found in entries(index, data):
            if known := found & vocabulary:
                table.setdefault(head, set()).update(known)
        return cls({head: sorted(ws) for head, ws in table.items()})


def for_index(dictionary_dir: Path | None, cache_dir: Path | None, word_ids: Iterable[str]) -> dict[str, Glossary]:
    """Per index language with words, the glossary into it from each language a dictionary translates from
    (`word_ids` as the index stores them: "en:queue")."""
    by_lang: dict[str, set[str]] = {}
    for wid in word_ids:
        lang, _, word = wid.partition(":")
        by_lang.setdefault(lang, set()).add(word)
    out: dict[str, Glossary] = {}
    for source, target in DICTIONARIES:
        if target in by_lang:
            out[target] = load(dictionary_dir, cache_dir, source, target, by_lang[target])
            out[target].everyday = EVERYDAY.get(source, True)
    return out


def load(dictionary_dir: Path | None, cache_dir: Path | None, source: str, target: str, vocabulary: set[str]) -> Glossary:
    """The glossary from `source` words into `target` index words, cached per dictionary and vocabulary.

    Empty when no dictionary for the pair is installed in `dictionary_dir`, or it cannot be read."""
    stem = DICTIONARIES.get((source, target))
    if dictionary_dir is None or stem is None or not vocabulary:
        return Glossary()
    index = dictionary_dir / f"{stem}.index"
    data = next((p for p in (dictionary_dir / f"{stem}.dict.dz", dictionary_dir / f"{stem}.dict") if p.exists()), None)
    if not index.exists() or data is None:
        return Glossary()
    stat = index.stat(), data.stat()
    key = hashlib.sha1(
        json.dumps([VERSION, stem, [s.st_size for s in stat], [s.st_mtime_ns for s in stat], sorted(vocabulary)]).encode()
    ).hexdigest()[:16]
    cached = cache_dir / f"glossary-{source}-{target}-{key}.json" if cache_dir is not None else None
    if cached is not None and cached.exists():
        try:
            table = json.loads(cached.read_text(encoding="utf-8"))
            if isinstance(table, dict) and all(isinstance(v, list) for v in table.values()):
                return Glossary(table)
        except (OSError, ValueError):
            pass
        log.warning("glossary cache unreadable, rebuilding", extra={"path": str(cached)})
    try:
        glossary = Glossary.build(index, data, vocabulary)
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        log.warning("dictionary not readable, bridging without it", extra={"path": str(index), "error": str(exc)})
        return Glossary()
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            for old in cached.parent.glob(f"glossary-{source}-{target}-*.json"):
                old.unlink(missing_ok=True)
            tmp = cached.with_suffix(f".{os.getpid()}.tmp")  # replicas sharing the data dir write their own
            tmp.write_text(json.dumps(glossary.table, ensure_ascii=False), encoding="utf-8")
            tmp.replace(cached)
        except OSError as exc:
            log.warning("glossary cache not written", extra={"path": str(cached), "error": str(exc)})
    return glossary

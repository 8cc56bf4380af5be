"""Small language helpers shared by indexing and answering: language guess, tokens, sentences."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

_DE = set(
    ["der", "die", "das", "und", "ist", "nicht", "mit", "sich", "auf", "für", "ein", "eine", "einer", "eines", "dem", "den", "des", "von", "zu", "im", "auch", "werden", "wird", "sind", "wie", "bei", "oder", "aber", "noch", "nach", "nur", "über", "vor", "durch", "wenn", "dass", "kann", "können", "welche", "welcher", "welches", "warum", "wer", "was", "wie", "laut", "sie", "es", "ich", "wir", "uns", "zum", "zur"]
)
_EN = set(
    ["the", "and", "is", "are", "not", "with", "on", "for", "a", "an", "of", "to", "in", "also", "be", "will", "or", "but", "only", "over", "before", "through", "if", "that", "can", "which", "who", "what", "why", "how", "according", "it", "we", "our", "they", "this", "these", "those", "from", "by", "as", "at"]
)
_WORD = re.compile(r"[\wäöüÄÖÜß]+(?:[-'][\wäöüÄÖÜß]+)*", re.UNICODE)


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def detect_lang(text: str) -> str:
    """'de' or 'en' by stop-word counts; English when unsure."""
    ws = words(text)
    de = sum(1 for w in ws if w in _DE)
    en = sum(1 for w in ws if w in _EN)
    return "de" if de > en else "en"


STOP = _DE | _EN | set(
    ["do", "does", "did", "have", "has", "had", "my", "your", "their", "its", "i", "you", "he", "she", "them", "me", "more", "most", "much", "many", "some", "any", "there", "here", "when", "where", "than", "then", "so", "such", "very", "just", "about", "into", "out", "up", "down", "again", "further", "once", "ich", "du", "er", "ihr", "ihnen", "ihm", "mein", "dein", "sein", "unser", "euer", "man", "haben", "hat", "hatte", "gibt", "gab", "sollte", "soll", "als", "am", "an", "bis", "da", "denn", "doch", "hier", "jetzt", "mehr", "schon", "sehr", "so", "um", "unter", "viel", "wie", "wo"]
)


@lru_cache(maxsize=2)
def _stemmer(lang: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer("german" if lang == "de" else "english")


def _fold(word: str) -> str:
    return word.replace("ä", "a").replace("ö", "o").replace("ü", "u").replace("ß", "ss")


@lru_cache(maxsize=1 << 16)
def _word_stems(word: str, langs: tuple[str, ...]) -> tuple[str, ...]:
    """One word's stems, once per language given, without repeats (kept: the same words recur in every text)."""
    out: list[str] = []
    for lang in langs:
        s = _fold(_stemmer(lang).stemWord(word))
        if s not in out:
            out.append(s)
    return tuple(out)


def stems(text: str, langs: tuple[str, ...] = ("en", "de")) -> list[str]:
    """Content-word stems in every language given (a query is stemmed both ways)."""
    out: list[str] = []
    for w in words(text):
        if w in STOP or len(w) < 2:
            continue
        out.extend(_word_stems(w, langs))
    return out


# "1. Step" and "2) Step" are list items; "17. Mai 22" (a German date) is not.
_MONTH = r"(?:Jan|Feb|Mär|Mar|Apr|Mai|May|Jun|Jul|Aug|Sep|Okt|Oct|Nov|Dez|Dec)[a-zä]*\.?(?:\s|$)"
LIST_ITEM = re.compile(rf"^\s*(?:[-*•]|\d+\)|\d+\.(?!\s+{_MONTH}))\s")
_SENT = re.compile(r"(?<=[.!?])[\"”“)]?\s+(?=[A-ZÄÖÜ0-9„\"“(*])|\n\s*\n|\n(?=\s*(?:[-*•|]|#+|\d+[.)])\s)")


_ORDINAL = re.compile(r"(?:^|\s)(?:\d{1,2}|[A-Za-z]|z\.B|bzw|ca|Nr|vgl|Dr|Prof|e\.g|i\.e|etc)\.$")


def _heading_breaks(text: str) -> str:
    """A heading line followed by text on the next line stands apart from it ("First response\nAcknowledge…")."""
    lines = text.split("\n")
    out = [
        line + ("\n\n" if line.strip() and is_heading_line(line) else "\n")
        for line in lines[:-1]
    ]
    return "".join(out) + lines[-1]


def sentences(text: str) -> list[str]:
    """Split into sentences, keeping '16. März', 'z.B.' and list items whole."""
    out: list[str] = []
    for part in (" ".join(p.split()) for p in _SENT.split(_heading_breaks(text))):
        if not part:
            continue
        if out and _ORDINAL.search(out[-1]):
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return [p for p in out if len(p) > 1]


def is_heading_like(sentence: str) -> bool:
    """A title, caption or credit line rather than a sentence that says something."""
    s = sentence.strip().lstrip("-*# ").strip()
    return not s.endswith((".", "!", "?", ":", "…", '"', "“", ")")) and len(s.split()) < 9


def is_heading_line(text: str) -> bool:
    """Heading-like and not a list item ("- Value realisation" is content, however short)."""
    return not LIST_ITEM.match(text) and is_heading_like(text)

"""The detail a question asks for (a count, a share, an amount, a date, a duration, a name) and whether a
sentence gives one, for deciding near misses.

`answertype.wants` steers which sentences are quoted; this module is stricter and reads more question forms
("what CSAT score …", "what is the daily rate …", "was kostet …"), because it decides whether to answer at all:
- the kind of figure has to match: a price needs an amount or a currency, a share a percentage or a fraction,
  a count a numeral (a bare "weeks" does not count how many);
- what the question already says does not answer it: asked how many firms took part in "the 2020 study",
  the sentence "… the 2020 study …" holds the question's own year, not the count.
"""

from __future__ import annotations

import re

from bot.ask.answertype import NAME, NUMBER, PERSON, has_name, has_number, wants

COUNT, SHARE, AMOUNT, DATE, FIGURE = "count", "share", "amount", "date", "figure"

# Question forms, most specific first. FIGURE is any figure (durations, frequencies, "how high").
_ASKS: list[tuple[str, re.Pattern[str]]] = [
    (SHARE, re.compile(r"\b(percentage|percent|per cent|proportion|what share|which share|rate|\w+-rate|quota|"
                       r"prozent\w*|anteil|quote|\w+-quote)\b", re.I)),
    (SHARE, re.compile(r"\b[A-ZÄÖÜ]\w+(rate|quote)\b")),  # German compounds: Antwortrate, Erfolgsquote
    (AMOUNT, re.compile(r"\b(cost|costs|price|prices|fee|fees|discount|budget|how much does|how much is|"
                        r"kostet|kosten|preis|gebühr\w*|rabatt|budget|gutschrift|vergütung|tagessatz)\b", re.I)),
    (DATE, re.compile(r"\b(which|what|welche[nmrs]?|in welche[mnr]?|an welche[mnr]?)\s+(year|date|day|month|"
                      r"version|release|jahr|datum|tag|monat)\b|\bwhen was\b|\bwann wurde\b|\bseit wann\b", re.I)),
    (COUNT, re.compile(r"\b(how many|wie viele?|wie vieler|number of|anzahl|(?:maximum|minimum|max|min)\w*\s+"
                       r"(?:number|score|size)|what (?:\w+\s+){0,3}score|welche[nmrs]? (?:\w+\s+){0,3}(?:wert|punktzahl)|"
                       r"which (?:\w+\s+){0,3}(?:score|value|threshold))\b", re.I)),
]
_ORG = re.compile(r"\b(which|what|welche[nmrs]?)\s+(?:[\w-]+\s+){0,2}(consultancy|consultant|agency|partner|"
                  r"provider|supplier|beratung|agentur|dienstleister|anbieter)\b|\bname of\b|\bwie heißt\b", re.I)

# Numbers in words: every one up to twenty, the tens, and the round words, in English and German.
_NUMERAL = (
    r"\d[\d.,:/]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
    r"thousand|million|dozen|ein|eine|einen|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|"
    r"dreizehn|vierzehn|fünfzehn|sechzehn|siebzehn|achtzehn|neunzehn|zwanzig|dreißig|vierzig|fünfzig|"
    r"sechzig|siebzig|achtzig|neunzig|hundert|tausend|million|millionen|dutzend"
)
_MONTHS = (r"january|february|march|april|may|june|july|august|september|october|november|december|januar|februar|"
           r"märz|mai|juni|juli|oktober|dezember")
# A count is not a year, a time of day or a day of the month ("2020", "17.00", "16. März").
_COUNT_V = re.compile(rf"(?<![\d.,:/])\b(?!(?:19|20)\d\d\b)(?!\d+[.:]\d\d\b)(?!\d+\.\s*(?:{_MONTHS})\b)({_NUMERAL})\b", re.I)
# A rate may be a share or an amount ("churn rate", "daily rate").
_SHARE_V = re.compile(r"(\d[\d.,]*)\s?(%|percent|per cent|prozent)|\b(half|third|quarter|majority|most|hälfte|"
                      r"drittel|viertel|mehrheit|meisten)\b|([$€£]\s?\d[\d.,]*)", re.I)
_AMOUNT_V = re.compile(r"([$€£]\s?\d[\d.,]*\s?[km]?)|\b(\d[\d.,]*\s?[km]?\s?(usd|eur|euro|euros|dollars?|chf|franken))\b|"
                       r"(\d[\d.,]*\s?%)|\b(free of charge|no charge|kostenlos|gratis|unentgeltlich)\b", re.I)
_DATE_V = re.compile(rf"\b(\d[\d.,:/-]*|{_MONTHS}|v\d[\d.]*)\b", re.I)
# How often, beyond answertype's figures: "bi-annual", "semiannual", "halbjährlich".
_OFTEN = re.compile(r"\b((?:bi|semi)-?annual(?:ly)?|annual|biweekly|bi-weekly|halbjährlich|zweiwöchentlich)\b", re.I)
_WORD = re.compile(r"[\w$€£%.,:/-]+")


def asked(question: str) -> str | None:
    """The kind of detail `question` asks for, or None when it asks for none (why, how, which steps…)."""
    for kind, pattern in _ASKS:
        if pattern.search(question):
            return kind
    kind = wants(question).kind
    if kind == NUMBER:
        return FIGURE
    if kind in (PERSON, NAME):
        return kind
    return NAME if _ORG.search(question) else None


def _new(matches: list[str], question: str) -> bool:
    """Any match that the question does not already contain."""
    said = {w.lower().strip(".,:/") for w in _WORD.findall(question)}
    return any(m and m.lower().strip(".,:/") not in said for m in matches)


def holds(kind: str, text: str, question: str) -> bool:
    """Does `text` give a detail of `kind` beyond what `question` already says?"""
    if kind == COUNT:
        return _new([m.group(0) for m in _COUNT_V.finditer(text)], question)
    if kind == SHARE:
        return _new([m.group(1) or m.group(3) or m.group(4) or "" for m in _SHARE_V.finditer(text)], question)
    if kind == AMOUNT:
        return _new([m.group(0) for m in _AMOUNT_V.finditer(text)], question)
    if kind == DATE:
        return _new([m.group(0) for m in _DATE_V.finditer(text)], question)
    if kind == FIGURE:
        figures = [w for w in _WORD.findall(text) if has_number(w) or _OFTEN.fullmatch(w.strip(".,:"))]
        return _new(figures, question)
    if kind in (PERSON, NAME):
        named = [w for w in _WORD.findall(text) if has_name(f"x {w}") or (kind == NAME and has_number(w))]
        return _new(named, question)
    return True

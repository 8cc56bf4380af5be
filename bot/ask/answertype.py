"""What kind of answer a question asks for, and whether a piece of text holds something of that kind.

Without a language model this is how cxbot notices a near miss: asked for a figure, a person or a list,
it checks that the sentences it would quote contain one. The cues are question words of English and
German; what counts as a figure or a name comes from the text itself (digits, number words, units of
time, capitalised words that are rare in general language per `wordfreq`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

NUMBER, PERSON, NAME, LIST, OTHER = "number", "person", "name", "list", "other"

_NUMBER_Q = re.compile(
    r"\b(how (many|much|long|often|soon|fast|quickly|big|large|high|early|late)|what (percentage|share|"
    r"proportion|rate|price|cost|amount|budget|number|size|time|date|year|day|week)|which (year|week|day|"
    r"month|date|percentage)|^\s*when (is|are|was|were|do|does|did|will|would|should|must|can|has|have)\b|by when|wie (viele?|lange|oft|hoch|schnell|früh|groß)|^\s*(ab )?wann\b|bis wann|"
    r"welche[nmrs]? (jahr|woche|tag|monat|anteil|betrag|preis|prozentsatz|zahl)|in welchem jahr|"
    r"percent|prozent|anteil)",
    re.I,
)
_PERSON_Q = re.compile(r"^(who|whom|wer|wen|wem)\b|\b(who|wer)\b|\bwhich (person|author|expert|speaker)\b|"
                       r"\bwelche[rnms]? (person|autor|autorin|experte|expertin|sprecher)\b", re.I)
_NAME_Q = re.compile(r"\b(which|what|welche[nmrs]?)\s+(?:[\w-]+\s+){0,2}(company|companies|firm|vendor|tool|system|software|"
                     r"platform|product|brand|industry|sector|channel|group|team|unternehmen|firma|firmen|"
                     r"branche|tool|system|plattform|produkt|marke|kanal|gruppe|ticketsystem)\b", re.I)
_COUNT_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "zwei": 2, "drei": 3, "vier": 4,
    "fünf": 5, "sechs": 6, "sieben": 7, "both": 2, "beide": 2, "beiden": 2,
}
_LIST_Q = re.compile(r"\b(which|what|welche[nmrs]?|name|nenne|list)\s+(?:the\s+|die\s+)?(?P<n>two|three|four|"
                     r"five|six|seven|zwei|drei|vier|fünf|sechs|sieben|\d)\b|\b(both|beide[n]?)\b", re.I)
_NUM_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|"
    r"half|twice|once|quarter|ein|eine|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwanzig|"
    r"hundert|halb|doppelt|einmal|zweimal|viertel"
)
_TIME_WORDS = (
    r"daily|weekly|monthly|quarterly|annually|yearly|hourly|minutes?|hours?|days?|weeks?|months?|years?|"
    r"täglich|wöchentlich|monatlich|quartal\w*|jährlich|vierteljährlich|minuten?|stunden?|tagen?|wochen?|"
    r"monaten?|jahren?|jahre|morning|evening|weekend|asap|immediately|sofort"
)
_HAS_NUMBER = re.compile(rf"\d|\b({_NUM_WORDS})\b|\b({_TIME_WORDS})\b", re.I)
_CAPS = re.compile(r"(?<![.!?:]\s)(?<!^)\b[A-ZÄÖÜ][\w&.-]*[A-Za-z]")
_HANDLE = re.compile(r"[@#][\w-]+|\b[\w.-]+@[\w-]+\.\w+|\b[a-z]+(?:-[a-z]+)+\b")


@dataclass(frozen=True)
class Wants:
    kind: str
    count: int = 0


def wants(question: str) -> Wants:
    """The kind of answer asked for (a figure before a person before a name before a list)."""
    if _NUMBER_Q.search(question):
        return Wants(NUMBER)
    if _PERSON_Q.search(question):
        return Wants(PERSON)
    m = _LIST_Q.search(question)
    if m:
        word = (m.group("n") or "two").lower()
        count = int(word) if word.isdigit() else _COUNT_WORDS.get(word, 2)
        return Wants(LIST, count)
    if _NAME_Q.search(question):
        return Wants(NAME)
    return Wants(OTHER)


@lru_cache(maxsize=4096)
def rare(word: str, below: float = 3.3) -> bool:
    """Rare in general English and German (names of people, products, firms are), per `wordfreq`: less
    frequent than `below` on its Zipf scale in both."""
    from wordfreq import zipf_frequency

    w = word.lower().strip(".-")
    return max(float(zipf_frequency(w, "en")), float(zipf_frequency(w, "de"))) < below


def has_number(text: str) -> bool:
    return bool(_HAS_NUMBER.search(text))


def has_name(text: str) -> bool:
    """A capitalised word inside the sentence that is rare in general language, or a handle/address."""
    if _HANDLE.search(text):
        return True
    return any(rare(w) for w in _CAPS.findall(text))


def satisfies(want: Wants, text: str) -> bool:
    """Does `text` hold something of the kind asked for? (Lists and other kinds always do.)"""
    if want.kind == NUMBER:
        return has_number(text)
    if want.kind in (PERSON, NAME):
        return has_name(text) or (has_number(text) and want.kind == NAME)
    return True

"""The detail a question asks for (a count, a share, an amount, a date, a duration, a name) and whether a
sentence gives one, for deciding near misses.

`answertype.wants` steers which sentences are quoted; this module is stricter and reads more question forms
("what CSAT score …", "what is the daily rate …", "was kostet …"), because it decides whether to answer at all:
- the kind of figure has to match: a price needs an amount or a currency, a share a percentage or a fraction,
  a count a numeral (a bare "weeks" does not count how many);
- what the question already says does not answer it: asked how many firms took part in "the 2020 study",
  the sentence "… the 2020 study …" holds the question's own year, not the count;
- a count is a number of things: not a German article ("ein Ergebnis"), a percentage ("37 Prozent"), an
  amount, "one of …", or the label of a thing ("Halle 4", "Article #1", "Step 3"; a number in words is never
  a label: "Unternehmen vier zentrale Schwachstellen"); asked how many of something other than time ("how many
  tickets"), a span of time ("the last 90 days") counts none of them;
- a share asked as a percentage is a percentage or a fraction, not an amount (a "rate" may be either);
- asked for the name of someone, or who wrote something, a person's name answers (capitalised words in a row,
  one of them uncommon), not a role ("the TA manager") or an acronym ("CEM");
- a name is a proper name, a handle or a role: in German every noun is capitalised, so a capitalised
  compound of common German words ("Paneldiskussion", "Finanzdienstleistungen") is not one, nor is a
  hyphenated phrase ("cross-reference", "pre-sales"); asked who or which team, a role or a team answers
  ("the Security Lead", "the Legal team", "Program Contact", "the Code Search team");
- asked for countries or regions, a country (CLDR names via `babel`) or a region's name answers; asked for an
  industry, a named one ("Finanzbranche", "the retail industry"), not "many industries"; a deadline is a
  figure (a date or a duration).
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.ask.answertype import NAME, NUMBER, PERSON, has_number, rare, wants
from bot.text import detect_lang

COUNT, SHARE, AMOUNT, DATE, FIGURE = "count", "share", "amount", "date", "figure"
PLACE, SECTOR = "place", "sector"

# Question forms, most specific first. FIGURE is any figure (durations, frequencies, "how high").
_ASKS: list[tuple[str, re.Pattern[str]]] = [
    (SHARE, re.compile(r"\b(percentage|percent|per cent|proportion|what share|which share|"
                       r"rate(?!\s+(?:as|it|them|how|this|that|the)\b)|\w+-rate|quota|"
                       r"prozent\w*|anteil|quote|\w+-quote)\b", re.I)),
    (SHARE, re.compile(r"\b[A-ZÄÖÜ]\w+(rate|quote)\b")),  # German compounds: Antwortrate, Erfolgsquote
    (AMOUNT, re.compile(r"\b(cost|costs|price|prices|fee|fees|discount|budget|how much does|how much is|"
                        r"kostet|kosten|preis|gebühr\w*|rabatt|budget|gutschrift|vergütung|tagessatz)\b", re.I)),
    (DATE, re.compile(r"\b(which|what|welche[nmrs]?|in welche[mnr]?|an welche[mnr]?)\s+(year|date|day|month|"
                      r"version|release|jahr|datum|tag|monat)\b|\bwhen was\b|\bwann wurde\b|\bseit wann\b", re.I)),
    # A deadline is a date or a duration ("within four business hours", "two weeks before").
    (FIGURE, re.compile(r"\b(deadline|due date|frist|stichtag)\b", re.I)),
    (COUNT, re.compile(r"\b(how many|wie viele?|wie vieler|number of|anzahl|(?:maximum|minimum|max|min)\w*\s+"
                       r"(?:number|score|size)|what (?:\w+\s+){0,3}score|welche[nmrs]? (?:\w+\s+){0,3}(?:wert|punktzahl)|"
                       r"which (?:\w+\s+){0,3}(?:score|value|threshold))\b", re.I)),
]
# Asked for countries or regions, or for an industry, a name of that kind answers, not any name. (Cities are
# not asked for here: a city's name is often a common word, "Zug", that nothing marks as a name.)
_PLACE_Q = re.compile(r"\b(which|what|welche[nmrs]?|in welche[mnr]?)\s+(?:[\w-]+\s+){0,2}(countries|country|"
                      r"regions?|ländern?|land|regionen)\b", re.I)
_SECTOR_Q = re.compile(r"\b(which|what|welche[nmrs]?|in welche[mnr]?)\s+(?:[\w-]+\s+){0,2}(industry|industries|"
                       r"sectors?|branchen?|sektoren|sektor|wirtschaftszweig\w*)\b", re.I)
# An industry is named: a compound ("Finanzbranche", "Automobilindustrie"), a qualified "sector"/"industry"
# ("the retail industry", not "many industries"), or a common sector by its name.
_SECTOR_V = re.compile(r"\b\w{3,}(?:branche|industrie|sektor)\w*|\b(?!(?:the|a|an|many|most|all|other|every|each|"
                       r"this|that|our|their|whole|entire|same|of|in)\s)[a-z]+\s+(?:sector|industry)\b|\b(?:banking|"
                       r"banks|insurance|insurers|retail|retailers|telecoms?|telecommunications|automotive|healthcare|"
                       r"utilities|banken|versicherungen|versicherer|einzelhandel|telekommunikation|"
                       r"gesundheitswesen|energieversorger)\b", re.I)
_ORG = re.compile(r"\b(which|what|welche[nmrs]?)\s+(?:[\w-]+\s+){0,2}(consultancy|consultant|agency|partner|"
                  r"provider|supplier|beratung|agentur|dienstleister|anbieter)\b|\bname of\b|\bwie heißt\b", re.I)

# Numbers in words: every one up to twenty, the tens, and the round words, in English and German.
_NUMERAL = (
    r"\d[\d.,:/]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
    r"thousand|million|dozen|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|"
    r"dreizehn|vierzehn|fünfzehn|sechzehn|siebzehn|achtzehn|neunzehn|zwanzig|dreißig|vierzig|fünfzig|"
    r"sechzig|siebzig|achtzig|neunzig|hundert|tausend|million|millionen|dutzend"
)
_MONTHS = (r"january|february|march|april|may|june|july|august|september|october|november|december|januar|februar|"
           r"märz|mai|juni|juli|oktober|dezember")
# A count is not a year, a time of day or a day of the month ("2020", "17.00", "16. März").
_COUNT_V = re.compile(rf"(?<![\d.,:/])\b(?!(?:19|20)\d\d\b)(?!\d+[.:]\d\d\b)(?!\d+\.\s*(?:{_MONTHS})\b)({_NUMERAL})\b", re.I)
# What makes a number something other than a count: a share or an amount after it, a label or "#" before it.
_NOT_COUNT_AFTER = re.compile(r"\s?(%|percent\b|per cent\b|prozent\b|[km]?\s?(usd|eur|euros?|dollars?|chf)\b)", re.I)
# German ordinals in a range of dates ("14.–18. März", "14. bis 18.") are days, not counts.
_ORDINAL_RANGE = re.compile(r"\.\s*(?:[–-]|bis\b)")
_LABEL_BEFORE = re.compile(r"(#|[$€£]|(?<![.!?:]\s)(?<!^)\b[A-ZÄÖÜ][\w-]*[a-zäöüß]\s)\s?$")
# "One of the …" / "one of Support's tools" counts nothing.
_ONE_OF = re.compile(r"one\s+of\b", re.I)
# Units of time: a number before one is a duration ("90 days", "drei Wochen"), not a count of things.
_TIME_UNITS = (r"(?:business\s+|working\s+)?(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|"
               r"quarters?|sekunden|minuten|stunden|tagen?|werktagen?|wochen|monaten?|jahren?|quartalen?)")
_TIME = re.compile(rf"\b{_TIME_UNITS}\b", re.I)
_TIME_AFTER = re.compile(rf"\s*(?:-\s*|\s)?{_TIME_UNITS}\b", re.I)
# What "how many" counts: the (up to three) words after it.
_HOW_MANY = re.compile(r"\b(?:how many|wie viele?r?|number of|anzahl(?:\s+(?:der|an|von))?)\s+((?:[\w-]+\s*){1,3})", re.I)
# A rate may be a share or an amount ("churn rate", "daily rate").
_SHARE_V = re.compile(r"(\d[\d.,]*)\s?(%|percent|per cent|prozent)|\b(half|third|quarter|majority|most|hälfte|"
                      r"drittel|viertel|mehrheit|meisten)\b|([$€£]\s?\d[\d.,]*)", re.I)
_AMOUNT_V = re.compile(r"([$€£]\s?\d[\d.,]*\s?[km]?)|\b(\d[\d.,]*\s?[km]?\s?(usd|eur|euro|euros|dollars?|chf|franken))\b|"
                       r"(\d[\d.,]*\s?%)|\b(free of charge|no charge|kostenlos|gratis|unentgeltlich)\b", re.I)
_DATE_V = re.compile(rf"\b(\d[\d.,:/-]*|{_MONTHS}|v\d[\d.]*)\b", re.I)
# How often, beyond answertype's figures: "bi-annual", "semiannual", "halbjährlich".
_OFTEN = re.compile(r"\b((?:bi|semi)-?annual(?:ly)?|annual|biweekly|bi-weekly|halbjährlich|zweiwöchentlich)\b", re.I)
_WORD = re.compile(r"[\w$€£%.,:/-]+")
_PUNCT = ".,:/'\"“”„‘’«»?!()"
# Names: handles, channels and addresses; words with a capital, a digit or a dot inside (CeBIT, Foqal.io,
# Log4J); acronyms; other capitalised words not at the start of a sentence that are rare in general language.
_HANDLE = re.compile(r"[@#][\w-]+|\b[\w.-]+@[\w-]+\.\w+|\b[a-z]+(?:-[a-z]+){2,}\b")
_CAP = re.compile(r"(?<![.!?:]\s)(?<!^)(?<![\w-])[A-ZÄÖÜ][\w&.’'-]*[\w]")
_INNER = re.compile(r"^[A-ZÄÖÜ]{2,}s?$|[a-zäöü][A-ZÄÖÜ]|[A-Za-z]\d|\w\.\w")
_ROLES = ("lead", "head", "manager", "managers", "team", "admin", "contact", "champion", "owner", "officer",
          "director", "president", "vp", "ceo", "cto", "leiter", "leiterin", "leitung", "geschäftsführung",
          "vorstand", "abteilung")
_NOT_INITIAL = r"(?<![.!?:]\s)(?<!^)"
# A role: a capitalised role word, or a role word after a capitalised word ("Security Lead", "Legal team").
_ROLE_V = re.compile(
    _NOT_INITIAL + r"\b(?:[A-ZÄÖÜ][\w-]*\s+(?:of\s+)?)?(?:" + "|".join(w.capitalize() for w in _ROLES)
    + r"|VP|CEO|CTO)\b|" + _NOT_INITIAL + r"\b[A-ZÄÖÜ][\w-]*\s+(?:" + "|".join(_ROLES) + r")\b"
)

# Asked for a percentage (not a rate, which may be an amount): a share or a fraction answers, not a price.
_PERCENT_Q = re.compile(r"\b(percentage|percent|per cent|prozent\w*)\b", re.I)
# Asked for the name of someone or something ("What is the name of the TA manager", "Wie heißt der Autor"): a
# role ("the TA manager", "TA leadership") restates what is asked and names nobody.
_NAME_Q = re.compile(r"\bname of\b|\bnamed?\b\s*\?|\bwie hei(?:ß|ss)t\b|\bnamen?\b", re.I)

# Asked who wrote something: an author is a person, not a team, a role or an acronym ("CEM").
_AUTHOR_Q = re.compile(r"\bwho wrote\b|\bauthors?\b|\bautor(?:in|en)?\b|\bverfasst\b|\bwer hat\b.*\bgeschrieben\b",
                       re.I)
# A person's name: capitalised words in a row (a "von", "van", "de" between them), one of them rare in general
# language ("Harald Henn", "Springer-Autor Holger von Seherr-Thoß"; not "Customer Experience" or "TA leadership").
_PERSON_V = re.compile(r"\b[A-ZÄÖÜ][\w’'-]*[a-zäöüß][\w’'-]*(?:\s+(?:(?:von|van|de|der|zu)\s+)?[A-ZÄÖÜ][\w’'-]*[a-zäöüß][\w’'-]*)+")

# A person's name has a part less common than this (wordfreq's Zipf scale): "Pamela", "Harald" are, "customer",
# "security", "management" are not. Looser than `answertype.rare`'s default, which a first name may fail.
PERSON_ZIPF = 4.0
# Asked which team, a business function answers also in lower case ("always a member of support").
_FUNCTION = re.compile(r"\b(?:support|engineering|sales|marketing|product|security|legal|finance|leadership|"
                       r"operations|analytics|vertrieb|kundenservice|entwicklung|buchhaltung)\b", re.I)
_TEAM_Q = re.compile(r"\b(which|what|welche[nmrs]?)\s+(?:[\w-]+\s+){0,2}(teams?|group|department|abteilung|gruppe)\b",
                     re.I)


@lru_cache(maxsize=1)
def _countries() -> re.Pattern[str]:
    """Country and region names in English and German, from the CLDR data that `babel` ships."""
    from babel import Locale

    # not "the world" (code 001) nor "Unknown Region" (ZZ): they name no country or region
    names = {n for lang in ("en", "de") for code, n in Locale(lang).territories.items()
             if len(n) > 3 and code not in ("001", "ZZ")}
    return re.compile(r"\b(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")\b")


def asked(question: str) -> str | None:
    """The kind of detail `question` asks for, or None when it asks for none (why, how, which steps…)."""
    for kind, pattern in _ASKS:
        if pattern.search(question):
            return kind
    if _PLACE_Q.search(question):
        return PLACE
    if _SECTOR_Q.search(question):
        return SECTOR
    kind = wants(question).kind
    if kind == NUMBER:
        return FIGURE
    if kind in (PERSON, NAME):
        return kind
    return NAME if _ORG.search(question) else None


def _new(matches: list[str], question: str) -> bool:
    """Any match that the question does not already contain (a match of several words: one it lacks)."""
    said = {w.lower().strip(_PUNCT) for w in _WORD.findall(question)}
    return any(m and any(w.lower().strip(_PUNCT) not in said for w in m.split()) for m in matches)


def _counts(text: str, things: bool = False) -> list[str]:
    """The numbers in `text` that may count something (with `things`: something other than time)."""
    return [m.group(0) for m in _COUNT_V.finditer(text)
            if not _NOT_COUNT_AFTER.match(text, m.end()) and not _ORDINAL_RANGE.match(text, m.end())
            and not (m.group(0)[0].isdigit() and _LABEL_BEFORE.search(text[: m.start()]))
            and not _ONE_OF.match(text, m.start())
            and not (things and _TIME_AFTER.match(text, m.end()))]


def _counts_things(question: str) -> bool:
    """Does the question ask how many of something other than a span of time ("how many tickets", not "how
    many days")? Then a duration ("the last 90 days") counts nothing it asks about."""
    m = _HOW_MANY.search(question)
    return m is not None and not _TIME.search(m.group(1))


def _compound(word: str) -> bool:
    """A German compound of two common words ("Paneldiskussion", "Fachkonferenz"), linking s allowed."""
    from wordfreq import zipf_frequency

    w = word.lower()
    for i in range(4, len(w) - 3):
        left, right = w[:i], w[i:]
        lefts = (left, left[:-1]) if left.endswith("s") and i > 4 else (left,)
        if zipf_frequency(right, "de") >= 3.0 and any(zipf_frequency(x, "de") >= 3.0 for x in lefts):
            return True
    return False


def _names(text: str, lang: str) -> list[str]:
    """The proper names, handles and addresses in `text` (see `_HANDLE`, `_CAP`)."""
    out = [m.group(0) for m in _HANDLE.finditer(text)]
    for m in _CAP.finditer(text):
        w = m.group(0).rstrip(".’'")
        first = re.split(r"[-’']", w)[0]  # a hyphenated word is a name when its first part is one
        if _INNER.search(first) or (rare(first) and not (lang == "de" and _compound(first))):
            out.append(w)
    return out


def holds(kind: str, text: str, question: str, lang: str = "") -> bool:
    """Does `text` give a detail of `kind` beyond what `question` already says? (`lang`: the text's.)"""
    if kind == COUNT:
        return _new(_counts(text, _counts_things(question)), question)
    if kind == SHARE:
        money = _PERCENT_Q.search(question) is None
        return _new([m.group(1) or m.group(3) or (m.group(4) if money else "") or "" for m in _SHARE_V.finditer(text)],
                    question)
    if kind == AMOUNT:
        return _new([m.group(0) for m in _AMOUNT_V.finditer(text)], question)
    if kind == DATE:
        return _new([m.group(0) for m in _DATE_V.finditer(text)], question)
    if kind == FIGURE:
        figures = [w for w in _WORD.findall(text) if has_number(w) or _OFTEN.fullmatch(w.strip(".,:"))]
        return _new(figures, question)
    if kind == PLACE:
        text = text.strip()
        return _new([m.group(0) for m in _countries().finditer(text)] + _names(text, lang or detect_lang(text)),
                    question)
    if kind == SECTOR:
        return _new([m.group(0) for m in _SECTOR_V.finditer(text)], question)
    if kind == PERSON and (_NAME_Q.search(question) or _AUTHOR_Q.search(question)):
        people = [m.group(0) for m in _PERSON_V.finditer(text)
                  if any(rare(part, PERSON_ZIPF) for w in m.group(0).split() if w[0].isupper()
                         for part in re.split(r"[-’']", w) if part)]
        return _new(people, question)
    if kind in (PERSON, NAME):
        text = text.strip()
        named = _names(text, lang or detect_lang(text))
        if kind == NAME:  # a version or a plan ("Sourcegraph 5.0", "Tier 2")
            named += [w for w in _WORD.findall(text) if has_number(w) and any(c.isdigit() for c in w)]
        # a role or a team answers who, and which team ("the Code Search team owns it"), not which tool
        if (kind == PERSON or _TEAM_Q.search(question)) and not _NAME_Q.search(question):
            named += [m.group(0) for m in _ROLE_V.finditer(text)]
        if _TEAM_Q.search(question):
            named += [m.group(0) for m in _FUNCTION.finditer(text)]
        return _new(named, question)
    return True

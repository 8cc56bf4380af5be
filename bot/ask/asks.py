"""The asks of a question that asks two (or three) things at once.

"Who facilitates CS collaboration time, and do support engineers have to attend?" asks for a person and for
a yes or no; one sentence of the knowledge rarely answers both, and the sentence that matches the whole
question best answers one of them. Each ask is scored on its own (`bot.ask.chooser.score`) so that the
answer can hold a unit for each (`bot.ask.extractive.compose`).

Two questions joined in one sentence are marked in its words, in English and German alike: a conjunction
followed by a question word ("…, and how many …", "… und wo …", "…, and roughly how long …",
"…, and within how many days …"), or, after a comma, by a verb that opens a yes/no question ("…, and do
support engineers have to attend?", "…, und hat er …"). A parse (spaCy and a model per language) would
find the same coordination at a cost of hundreds of MB and milliseconds per question; the lexical cue is
what both languages' question grammar gives. Two question words sharing one verb ("In welcher Halle und in
welcher Stadt …") are split too: each half names what it asks, which is what scoring an ask needs.
"""

from __future__ import annotations

import re

from bot.search.lexicon import content_words
from bot.text import sentences

_WH = (
    r"who|whom|whose|what|which|where|when|why|how|wer|wen|wem|wessen|was|welche[rsnm]?|wo|wohin|woher|wann|"
    r"warum|weshalb|wieso|wie|womit|wofür|wozu|woran|worauf|wovon|wobei|worüber"
)
_HEDGE = r"(?:roughly|approximately|about|around|ungefähr|etwa|circa|ca\.)"
_PREP = (
    r"(?:in|at|on|from|by|for|with|within|after|before|to|of|into|under|over|via|through|"
    r"an|auf|aus|bei|bis|für|mit|nach|seit|von|vor|zu|über|unter|ab|innerhalb|durch)"
)
_YESNO = (
    r"do|does|did|is|are|was|were|can|could|must|should|will|would|has|have|may|"
    r"muss|müssen|ist|sind|hat|haben|kann|können|darf|dürfen|soll|sollen|wird|werden|gibt|gilt|bleibt"
)
_AND = r"(?:and|und|or|oder|sowie|plus)"
# "…, and how …" / "… und wo …" / "…, and roughly how …" / "…, and within how many …"
_SPLIT_WH = re.compile(
    rf",?\s+{_AND}\s+(?=(?:{_HEDGE}\s+)?(?:{_PREP}\s+)?(?:{_WH})\b)", re.I,
)
# "…, and do …?" (after a comma only: "…, und hat er …")
_SPLIT_YESNO = re.compile(rf",\s+{_AND}\s+(?=(?:{_YESNO})\b)", re.I)
MIN_WORDS = 3  # each ask has at least this many words (else it is one ask: "… and why?")
FIRST_WORDS = 4  # the first at least this many ("In welcher Halle und in welcher Stadt …" is one ask)
MAX_ASKS = 3


def split(question: str) -> list[str]:
    """The asks of `question`, in order (its question sentence split at the coordination of two questions),
    or [] when it asks one thing. A sentence before the question ("A customer churned. Who …, and …?")
    stays with the first ask."""
    parts = sentences(" ".join(question.split()))
    if not parts:
        return []
    head, last = " ".join(parts[:-1]), parts[-1]
    cuts = sorted({m.start() for m in _SPLIT_WH.finditer(last)} | {m.start() for m in _SPLIT_YESNO.finditer(last)})
    pieces: list[str] = []
    start = 0
    for cut in cuts:
        left = last[start:cut].strip(" ,")
        if len(left.split()) >= (MIN_WORDS if pieces else FIRST_WORDS):
            pieces.append(left)
            start = cut
    rest = re.sub(rf"^,?\s*{_AND}\s+", "", last[start:].strip(" ,"), flags=re.I) if pieces else last
    if not pieces or len(rest.split()) < MIN_WORDS:
        return []
    pieces = [re.sub(rf"^,?\s*{_AND}\s+", "", p, flags=re.I) for p in pieces] + [rest]
    pieces = pieces[: MAX_ASKS - 1] + ([" ".join(pieces[MAX_ASKS - 1 :])] if len(pieces) >= MAX_ASKS else [])
    out = [p if p.endswith("?") else p + "?" for p in pieces]
    if head:
        out[0] = f"{head} {out[0]}"
    return out


SPECIFIC_WORDS = 2


def specific(ask: str) -> bool:
    """Does the ask name what it asks about (2 content words besides its question word: "who picks the calls
    engineers should attend?"), rather than lean on the ask before it ("in what share of them?", "ab welchem
    Zeitpunkt?"), whose units it would find no better than the whole question does?"""
    return sum(1 for w in content_words(ask) if not re.fullmatch(_WH, w, re.I)) >= SPECIFIC_WORDS

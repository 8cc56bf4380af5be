"""The default answer: the units (sentences, list items, table rows) that answer, quoted, answer first.

No model writes anything here, so nothing can be made up and nothing in a document can act as an
instruction: the answer is a selection of source text, each piece marked with its citation number.

Every unit of the best documents is scored against the question by several signals at once (see
`bot.ask.chooser`): meaning (its e5 vector against the question's, which works across German and
English), the question's words and their translations, the answer kind asked for (a figure, a name, a
list), whether retrieval found it, and where it sits. The best unit is the first line, with the sentence
after it in its paragraph (the best match often restates the question and the next sentence answers it); a list it
introduces follows complete (a short table too; a sentence that ends with ':' before neither brings the
line it announces), a nested item comes with its parent, a table row with its header, a
"This …" sentence with the sentence it continues (and a "This …" sentence that adds none of the
question's words is not the first line: the sentence it continues is). A long list item of several sentences
as the first line is cut to its label and the sentence that answers, so its fact is not pushed past the
first thirty words. For a list question whose best
unit is a nested item (a detail of one entry), the list it is in is the answer. Further units follow while the answer stays short,
preferring those that cover parts of the question the first one leaves open; a question in the text (a
rhetorical "How does your company handle this?") is never one of them. A question that asks two things
("How long does a rotation last, and who picks the calls engineers should attend?") has each later ask scored
on its own (`bot.ask.asks`): the unit that answers it is quoted too, in place of the last further units if
the answer would be too long without them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.ask.answertype import LIST, NAME, NUMBER, PERSON, Wants, satisfies
from bot.ask.chooser import COVER, FEATURES, Candidate, Scored, terms
from bot.ask.chooser import weights as chooser_weights
from bot.ingest.units import HEADING, ITEM, ROW, SENTENCE, Unit
from bot.text import sentences

# The answer's length: the best unit (and the list it introduces) always; further units, best first
# (by score plus COVER times the share of the question's words they newly cover), while they fit.
MAX_WORDS = 68
MAX_LIST_ITEMS = 10
POOL = 15  # further units come from this many of the best candidates
MARGIN = 4.0  # ... scoring within this much (the chooser's units) of the first: no filler far below it
# A later ask's unit: of the question's best candidates (`POOL`), the one that matches the ask most beyond
# what it matches the whole question (ask score - ASK_CONTRAST x question score: what sets the ask apart
# from the question's first ask). It may take the answer this many words past MAX_WORDS.
ASK_CONTRAST = 0.5
ASK_SLACK = 10
FAKE_CITATION = re.compile(r"\s*\[\d{1,4}\]")
# A first line's list item or row of more than this many words that holds several sentences ("Owner: CS team
# owns support tickets in Zendesk. If product team members want … Additionally, at the end of every quarter
# …", 75 words) is quoted by its label and the one sentence that answers: its fact would come after word 30.
LONG_UNIT = 40
_LABEL = re.compile(r"^([^:.!?]{1,60}):\s+(?=\S)")
LABEL_WORDS = 6


@dataclass
class Piece:
    cite: int
    text: str
    item: bool = False


def _words(text: str) -> int:
    return len(text.split())


def trim(text: str, qweights: dict[str, float], want: Wants) -> str:
    """A long unit of several sentences cut to its label ("Owner:") and its sentence that the chooser's
    word and answer-kind signals favour (the question's words it holds, by weight; whether it has the kind
    of detail asked for), marked "…" where sentences before it are left out. Short units stay whole."""
    if _words(text) <= LONG_UNIT:
        return text
    label, body = "", text
    m = _LABEL.match(text)
    if m and _words(m.group(1)) <= LABEL_WORDS:
        label, body = text[: m.end(1) + 1], text[m.end() :]
    parts = sentences(body)
    if len(parts) < 2:
        return text
    w, _ = chooser_weights()
    kw, type_ok = float(w[FEATURES.index("kw")]), float(w[FEATURES.index("type_ok")])
    total = sum(qweights.values()) or 1.0
    typed = want.kind in (NUMBER, PERSON, NAME)

    def signal(sentence: str) -> float:
        found = terms(sentence)
        share = sum(v for t, v in qweights.items() if t in found) / total
        return kw * share + (type_ok * (1.0 if satisfies(want, sentence) else -1.0) if typed else 0.0)

    k = max(range(len(parts)), key=lambda i: (signal(parts[i]), -i))
    return " ".join(x for x in (label, "…" if k > 0 else "", parts[k]) if x)


def quote(c: Candidate, units: Sequence[Unit], quoted: frozenset[int] = frozenset(),
          cut: tuple[dict[str, float], Wants] | None = None) -> str:
    """A unit with what it leans on: its parent item(s), its header, or the sentence it continues
    (unless the answer quotes that already: `quoted` are unit numbers of the same document). With `cut`
    (the question's word weights and the answer kind), a long list item is cut to the sentence that
    answers (`trim`)."""
    u = c.unit
    ctx: list[str] = []
    p, depth = (-1 if u.kind == ROW else u.parent), 0  # a row names its header's columns already
    while 0 <= p < len(units) and depth < 2:
        if p not in quoted:
            ctx.insert(0, units[p].text)
        p, depth = units[p].parent, depth + 1
    if 0 <= u.lead < len(units) and u.lead not in quoted:
        ctx.append(units[u.lead].text)
    if u.kind == ITEM and not ctx and 0 <= u.intro < len(units) and u.intro not in quoted and _words(u.text) < 12:
        ctx.append(units[u.intro].text)
    own = trim(u.text, *cut) if cut is not None and u.kind == ITEM else u.text
    out = ""
    for text in [*ctx, own]:
        if out:
            out += (" " if out.rstrip().endswith((":", ".", "!", "?", "…")) else ": ") + text
        else:
            out = text
    return out


def context(c: Candidate, units: Sequence[Unit]) -> set[tuple[int, int]]:
    """(citation, unit number) of the units a quote of `c` brings along (parent, lead, intro)."""
    u = c.unit
    return {(c.cite, n) for n in (u.parent, u.lead, u.intro) if 0 <= n < len(units)}


def _list_after(u: Unit, units: Sequence[Unit]) -> list[Unit]:
    """The items a unit ending with ':' introduces: the list after it, or, for an item, the items that
    follow it in its list (its sub-items)."""
    if u.text.rstrip().endswith(":"):
        items = [v for v in units if v.intro == u.n and v.parent < 0]
        if items:
            return items[:MAX_LIST_ITEMS]
        rows = _table_after(u, units)
        if rows:
            return rows
        nxt = [v for v in units[u.n + 1 : u.n + 1 + MAX_LIST_ITEMS] if v.kind == ITEM and v.block == units[u.n + 1].block]
        return nxt if u.n + 1 < len(units) else []
    return []


def _table_after(u: Unit, units: Sequence[Unit]) -> list[Unit]:
    """The rows of a table right after `u` ("… calculated using the following standard categories:" and the
    table of categories and weights), when they are few and short enough to quote whole."""
    head = u.n + 1
    if head >= len(units) or units[head].kind != HEADING or units[head].section != u.section:
        return []
    return _whole_table(_rows(head, units))


def _rows(head: int, units: Sequence[Unit]) -> list[Unit]:
    """The rows of the table whose header is unit `head` (none if it heads no table)."""
    return [v for v in units[head + 1 :] if v.kind == ROW and v.parent == head]


def _whole_table(rows: list[Unit]) -> list[Unit]:
    """A table's rows, if few and short enough to quote whole (a list is quoted complete; a long table is not
    an answer line); else none."""
    return rows if len(rows) <= MAX_LIST_ITEMS and sum(_words(v.text) for v in rows) <= MAX_WORDS else []


def _siblings(c: Candidate, units: Sequence[Unit]) -> list[Unit]:
    u = c.unit
    if u.kind == ROW:  # a table's rows, when few and short enough to quote whole
        return _whole_table(_rows(u.parent, units))
    return [v for v in units if v.block == u.block and v.parent == u.parent and v.kind == ITEM][:MAX_LIST_ITEMS]


def _find(cite: int, n: int, ranked: Sequence[Candidate]) -> Candidate | None:
    return next((c for c in ranked if c.cite == cite and c.unit.n == n), None)


def _lead_first(best: Candidate, ranked: Sequence[Candidate], scored: Scored) -> Candidate:
    """A "This …" sentence that adds none of the question's words to the sentence it continues is no
    answer of its own: the sentence it continues comes first (if it is a candidate not far below)."""
    if best.unit.lead < 0 or scored.new_share(best, scored.terms_of(best.cite, scored.units_of(best)[best.unit.lead])) > 0:
        return best
    lead = _find(best.cite, best.unit.lead, ranked)
    return lead if lead is not None and lead.score >= best.score - MARGIN else best


def _list_of(c: Candidate, ranked: Sequence[Candidate], scored: Scored) -> Candidate | None:
    """For a list question: `c` if it introduces a list; for a top-level item, the sentence that
    introduces its list (if a candidate), else the item itself (its siblings are the list). A nested
    item (a detail of one entry) is not a list of its own."""
    units = scored.units_of(c)
    if _list_after(c.unit, units):
        return c
    u = c.unit
    if u.kind != ITEM or u.depth > 0:
        return None
    if 0 <= u.intro < len(units):
        intro = _find(c.cite, u.intro, ranked)
        if intro is not None and _list_after(intro.unit, units):
            return intro
    return c


def following(best: Candidate, units: Sequence[Unit]) -> Unit | None:
    """The sentence after the best one in its paragraph, quoted with it: the sentence that matches a
    question best often restates it ("Meeting the SLA requires …") and the next one answers ("We aim
    to meet this 95% of the time"). After a sentence ending ':' that introduces no list or table, the next line is
    what it announces ("… under the following links:" and the link)."""
    u = best.unit
    if u.kind != SENTENCE or u.n + 1 >= len(units):
        return None
    v = units[u.n + 1]
    if u.text.rstrip().endswith(":"):  # what a colon announces, when no list or table follows: the next line
        if _list_after(u, units) or v.kind not in (SENTENCE, HEADING) or v.text.rstrip().endswith("?"):
            return None
        if v.kind == HEADING and _rows(v.n, units):  # a table too long to quote whole: not its header alone
            return None
        # across a section break the new section's title is the first thing announced ("… four weak points:",
        # then the section "Poor alignment of IT and business"; "… at these links:", then a link as a title)
        return replace(v, text=f"{v.section} — {v.text}") if v.section and v.section != u.section else v
    # a question is no answer ("Why does it matter?"); a sentence that introduces questions may be one
    # ("The survey asks three things: how important is CX, where does it sit …?")
    asks = v.text.rstrip().endswith("?") and ":" not in v.text
    return v if v.kind == SENTENCE and v.block == u.block and not asks else None


def for_ask(ask: Scored, ranked: Sequence[Candidate]) -> Candidate | None:
    """The unit for a later ask of the question: of the question's `POOL` best candidates (`ranked`), the one
    the ask (scored on its own) rates highest beyond the question's own score (`ASK_CONTRAST`)."""
    of_ask = {(c.cite, c.unit.n): c.score for c in ask.ranked}
    pool = [c for c in ranked[:POOL] if (c.cite, c.unit.n) in of_ask]
    return max(pool, key=lambda c: of_ask[(c.cite, c.unit.n)] - ASK_CONTRAST * c.score, default=None)


def compose(scored: Scored, want: Wants) -> str:
    """The answer text: the best unit first (with its list), then units for what it leaves open."""
    if not scored.ranked:
        return ""
    # A question in the text (a rhetorical one, a heading) is no answer, first or further.
    ranked = [c for c in scored.ranked if not c.unit.text.rstrip().endswith("?")] or scored.ranked
    best = _lead_first(ranked[0], ranked, scored)
    if want.kind == LIST:  # a list question is answered by a list: the best unit that introduces one
        best = next((c for c in ranked[:5] if _list_after(c.unit, scored.units_of(c))), best)
        if best.unit.kind == ITEM and best.unit.depth > 0:  # a detail of one entry: the list it is in
            best = next((lst for c in ranked[:5] if (lst := _list_of(c, ranked, scored)) is not None), best)
        elif best.unit.kind == ITEM:  # an entry: the sentence that introduces its list, if a candidate
            best = _list_of(best, ranked, scored) or best
    units = scored.units_of(best)
    pieces = [Piece(best.cite, quote(best, units, cut=(scored.qweights, want)))]
    nxt = following(best, units)
    if nxt is not None:
        pieces[0] = Piece(best.cite, pieces[0].text + " " + nxt.text)
    items = _list_after(best.unit, units)
    if not items and nxt is not None:  # "… must be tied to X. Firms should watch these points:" and its list
        items = _list_after(nxt, units)
    if not items and best.unit.kind in (ITEM, ROW) and want.kind == LIST:
        siblings = _siblings(best, units)
        if len(siblings) > 1:  # the whole list in its own order (after its intro), the best entry in place
            intro = best.unit.intro if best.unit.depth == 0 and 0 <= best.unit.intro < len(units) else -1
            if best.unit.kind == ROW:  # a table's intro: a sentence ending ':' right before its header
                head = best.unit.parent
                intro = head - 1 if head > 0 and units[head - 1].text.rstrip().endswith(":") else -1
            if intro >= 0:
                pieces, items = [Piece(best.cite, units[intro].text)], siblings
            else:
                pieces, items = [Piece(best.cite, siblings[0].text, item=True)], siblings[1:]
    back = best.unit.lead
    pointed = _list_after(units[back], units) if not items and 0 <= back < len(units) else []
    if pointed:  # "All three of these aspects must be true": the list it points back at, with its intro, first
        own = quote(best, units, frozenset({back}), cut=(scored.qweights, want))
        pieces, items = [Piece(best.cite, units[back].text)], pointed
        after = [Piece(best.cite, own if nxt is None else f"{own} {nxt.text}")]
    else:
        after = []
    pieces += [Piece(best.cite, v.text, item=True) for v in items] + after
    used = {(best.cite, best.unit.n), *((best.cite, v.n) for v in items), *context(best, units)}
    if nxt is not None:
        used.add((best.cite, nxt.n))
    covered = set(best.terms) | (scored.terms_of(best.cite, nxt) if nxt is not None else set())
    for v in items:
        covered |= scored.terms_of(best.cite, v)
    words = sum(_words(p.text) for p in pieces)
    texts = {p.text for p in pieces}
    pool = [c for c in ranked[:POOL] if (c.cite, c.unit.n) not in used]
    fillers: list[tuple[Piece, set[tuple[int, int]]]] = []  # further pieces, with the units each quotes
    while True:
        fits: list[tuple[Candidate, str]] = []
        for c in pool:
            if (c.cite, c.unit.n) in used or c.score < best.score - MARGIN:
                continue
            text = quote(c, scored.units_of(c), frozenset(n for ci, n in used if ci == c.cite))
            if text not in texts and c.unit.text not in texts and words + _words(text) <= MAX_WORDS:
                fits.append((c, text))
        if not fits:
            break
        c, text = max(fits, key=lambda ct: ct[0].score + COVER * scored.new_share(ct[0], covered))
        pieces.append(Piece(c.cite, text))
        texts |= {text, c.unit.text}
        pool.remove(c)
        quoted = {(c.cite, c.unit.n), *context(c, scored.units_of(c))} - used
        fillers.append((pieces[-1], quoted))
        used |= quoted
        covered |= c.terms
        words += _words(text)
    _answer_asks(scored, ranked, pieces, fillers, used)
    return render(pieces)


def _answer_asks(
    scored: Scored, ranked: Sequence[Candidate], pieces: list[Piece],
    fillers: list[tuple[Piece, set[tuple[int, int]]]], used: set[tuple[int, int]],
) -> None:
    """Each later ask of the question gets its unit (`for_ask`) unless the answer quotes it already; the last
    further pieces make room for it (up to `ASK_SLACK` words past `MAX_WORDS`)."""
    for ask in scored.asks:
        c = for_ask(ask, ranked)
        if c is None or (c.cite, c.unit.n) in used:
            continue
        text = quote(c, scored.units_of(c), frozenset(n for ci, n in used if ci == c.cite))
        if any(text == p.text or c.unit.text in p.text for p in pieces):
            continue
        while fillers and sum(_words(p.text) for p in pieces) + _words(text) > MAX_WORDS + ASK_SLACK:
            piece, quoted = fillers.pop()
            pieces.remove(piece)
            used -= quoted
        if sum(_words(p.text) for p in pieces) + _words(text) <= MAX_WORDS + ASK_SLACK:
            pieces.append(Piece(c.cite, text))
            used |= {(c.cite, c.unit.n), *context(c, scored.units_of(c))}


def render(pieces: list[Piece]) -> str:
    """Pieces with their citations: the answer line first, list items on lines of their own."""
    lines: list[str] = []
    for k, p in enumerate(pieces):
        text = FAKE_CITATION.sub("", p.text)
        last = k + 1 == len(pieces) or pieces[k + 1].cite != p.cite or not pieces[k + 1].item
        mark = f" [{p.cite}]" if last or not p.item else ""
        lines.append(f"- {text}{mark}" if p.item and k > 0 else f"{text}{mark}")
    return "\n".join(lines)

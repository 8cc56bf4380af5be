"""A document's answer units: the sentences, list items and table rows an answer can quote.

Each unit remembers what it needs to be understood when quoted alone: a nested list item its parent
item, a table row its header, a list item the sentence that introduced the list, and a sentence that
opens with "This …" / "Dies …" the sentence it continues. Units are cut once at ingest, from the
document's own structure (indentation survives the loaders), and embedded there, so the answerer can
score every sentence of a document by meaning without embedding anything at question time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text import sentences

SENTENCE, ITEM, ROW, HEADING = "sentence", "item", "row", "heading"
_ITEM = re.compile(r"^(?P<indent>\s*)(?:[-*+•]|\d{1,3}[.)])\s+(?P<body>\S.*)$")
_ROW = re.compile(r"^\s*\|.*\|\s*$")
_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MD_MARK = re.compile(r"(\*\*|__|`)")
# Inline HTML formatting in Markdown sources ("<strong>Overview</strong>", "<br>"): dropped like Markdown's own
# marks. Only these tags: angle brackets are also placeholders in playbooks ("<ce-owner>"), which stay.
_HTML_INLINE = re.compile(r"</?(?:strong|b|em|i|u|s|code|span|sup|sub|mark|small|a|br)\b[^<>]{0,200}?/?>", re.I)
_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)")
# A sentence right after a list that points back at it: "All three of these aspects …", "These steps …",
# "Alle drei Punkte …", "Diese Schritte …".
_BACK = re.compile(
    r"^(?:(?:all|both|each|any|none|alle|beide|jede[rsnm]?|keine[rsnm]?)\b[^.:;]{0,25}?\b(?:of\s+)?"
    r"(?:these|those|the\s+above|diese[rsnm]?|die(?:se)?\s+genannten|obige[nrs]?)\b|"
    r"(?:these|those|diese|die\s+genannten)\s+\w+\b)",
    re.I,
)
# Openers that point back at the sentence before (demonstratives and pronouns, both languages); "Das" followed
# by a noun is the article ("Das Hamburger Institut …"), not a pronoun.
_ANAPHOR = re.compile(
    r"^(?:this|these|that|those|it|they|such|there|here|dies|diese[rsmn]?|das(?!\s+(?-i:[A-ZÄÖÜ]))|dabei|damit|dazu|"
    r"deshalb|daher|darum|so|solche[rsmn]?|hierbei|hierfür|dafür|es)\b",
    re.I,
)
MAX_UNIT_CHARS = 600
# Bumped when the way units are cut changes: documents indexed with another version are re-cut.
VERSION = 2  # 2: inline HTML formatting dropped from unit text


@dataclass(frozen=True)
class Unit:
    """One quotable piece of a document, with the links that keep it understandable."""

    n: int
    text: str
    section: str
    kind: str
    depth: int = 0
    parent: int = -1
    lead: int = -1
    intro: int = -1
    block: int = 0

    @property
    def quotable(self) -> bool:
        return self.kind != HEADING

    def as_meta(self) -> dict[str, str | int]:
        return {"n": self.n, "section": self.section, "kind": self.kind, "depth": self.depth,
                "parent": self.parent, "lead": self.lead, "intro": self.intro, "block": self.block}

    @classmethod
    def from_meta(cls, text: str, meta: dict[str, object]) -> Unit:
        def num(key: str, default: int = -1) -> int:
            value = meta.get(key, default)
            return int(value) if isinstance(value, int | float | str) else default

        return cls(num("n", 0), text, str(meta.get("section", "")), str(meta.get("kind", SENTENCE)),
                   num("depth", 0), num("parent"), num("lead"), num("intro"), num("block", 0))


def clean(text: str) -> str:
    """Markdown emphasis, inline HTML formatting and link targets dropped, whitespace collapsed: the text as a
    reader sees it."""
    text = _LINK.sub(r"\1", text)
    text = _HTML_INLINE.sub(" ", text)
    text = _MD_MARK.sub("", text)
    return " ".join(text.split())


def _is_heading(line: str) -> bool:
    s = line.strip().lstrip("#").strip()
    return bool(s) and (line.lstrip().startswith("#") or (
        not s.endswith((".", "!", "?", ":", "…", '"', "“", ")", ",", ";")) and len(s.split()) < 9
        and not _ITEM.match(line)
    ))


def _cells(line: str) -> list[str]:
    return [clean(c) for c in line.strip().strip("|").split("|")]


class _Builder:
    def __init__(self) -> None:
        self.units: list[Unit] = []
        self.block = 0

    def add(self, text: str, section: str, kind: str, **links: int) -> int:
        text = clean(text)[:MAX_UNIT_CHARS]
        if len(text) < 2:
            return -1
        self.units.append(Unit(len(self.units), text, section, kind, block=self.block, **links))
        return len(self.units) - 1

    def paragraph(self, text: str, section: str, before: int = -1) -> int:
        """Sentences of one paragraph; returns the last one's index (a list after it may belong to it).
        `before`: the sentence that introduced a list just above, which a first sentence that points back
        ("All three of these aspects …") leans on."""
        last = -1
        lines = {clean(line) for line in text.split("\n")}
        for k, sent in enumerate(sentences(text)):
            lead = last if last >= 0 and _ANAPHOR.match(clean(sent)) else -1
            if k == 0 and before >= 0 and _BACK.match(clean(sent)):
                lead = before
            kind = HEADING if _is_heading(sent) and clean(sent) in lines else SENTENCE
            idx = self.add(sent, section, kind, lead=lead)
            last = idx if idx >= 0 else last
        return last

    def listing(self, lines: list[str], section: str, intro: int) -> None:
        """A list: each item with its nesting depth, its parent item, and the sentence that introduced it."""
        stack: list[tuple[int, int]] = []  # (indent, unit index)
        items: list[tuple[int, str]] = []
        for line in lines:
            m = _ITEM.match(line)
            if m:
                items.append((len(m.group("indent").expandtabs(4)), m.group("body")))
            elif items:  # a continuation line of the item above
                indent, body = items[-1]
                items[-1] = (indent, f"{body} {line.strip()}")
        for indent, body in items:
            while stack and stack[-1][0] >= indent:
                stack.pop()
            parent = stack[-1][1] if stack else -1
            idx = self.add(body, section, ITEM, depth=len(stack), parent=parent, intro=intro)
            if idx >= 0:
                stack.append((indent, idx))

    def table(self, lines: list[str], section: str) -> None:
        rows = [line for line in lines if not _RULE.match(line)]
        if not rows:
            return
        header = _cells(rows[0])
        head = self.add(" | ".join(header), section, HEADING)
        for line in rows[1:]:
            cells = _cells(line)
            named = [f"{h}: {c}" if h else c for h, c in zip(header, cells, strict=False) if c]
            self.add(" · ".join(named), section, ROW, parent=head)


def _blocks(text: str) -> list[tuple[str, list[str]]]:
    """Lines grouped into paragraphs, lists and tables (a kind and its lines)."""
    out: list[tuple[str, list[str]]] = []
    for line in text.split("\n"):
        if not line.strip():
            if out and out[-1][0] != "blank":
                out.append(("blank", []))
            continue
        kind = "table" if _ROW.match(line) else "list" if _ITEM.match(line) else "text"
        indented = kind == "text" and line[:1].isspace()
        if len(out) > 1 and out[-1][0] == "blank" and out[-2][0] == "list" and (kind == "list" or indented):
            out.pop()  # a "loose" list (items apart by blank lines) or an item's indented paragraph: the same list
        prev = out[-1] if out else None
        if prev and prev[0] == "list" and indented:
            kind = "list"  # an indented continuation of an item
        if prev and prev[0] == kind:
            prev[1].append(line)
        else:
            out.append((kind, [line]))
    return [b for b in out if b[0] != "blank"]


def units(sections: list[tuple[str, str]]) -> list[Unit]:
    """Answer units of a document given as (heading, text) sections, in document order."""
    b = _Builder()
    for heading, text in sections:
        last = after_list = -1
        for kind, lines in _blocks(text):
            b.block += 1
            listed = -1
            if kind == "list":
                intro = last if last >= 0 and b.units[last].text.endswith(":") else -1
                b.listing(lines, heading, intro)
                last, listed = -1, intro
            elif kind == "table":
                b.table(lines, heading)
                last = -1
            else:
                last = b.paragraph("\n".join(lines), heading, after_list)
            after_list = listed
    return b.units


def embed_text(unit: Unit, all_units: list[Unit]) -> str:
    """What the embedder sees: a unit with what it leans on (parent item, header, the sentence it continues)."""
    ctx = [all_units[i].text for i in (unit.parent, unit.lead) if 0 <= i < len(all_units)]
    return " — ".join([*ctx, unit.text])

"""Neutral cards as Adaptive Cards (schema 1.5, what Teams renders): pure functions, no SDK.

Buttons become `Action.Execute` (verb = action id, data = {"action": id, "value": value}) so a click
arrives as an `adaptiveCard/action` invoke; link buttons become `Action.OpenUrl`. PNG image data is
inlined as a data URI (Teams caps a message at about 28 KB: `images.shrink_png` makes charts fit first;
what still does not fit falls back to its alt text).
"""

from __future__ import annotations

import base64
from typing import Any

from bot.core.model import (
    Actions,
    Card,
    Context,
    Divider,
    Fields,
    Image,
    Mentions,
    Outbound,
    Section,
    Text,
    card_text,
)

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
MAX_INLINE_IMAGE = 15_000  # raw PNG bytes; base64 makes ~20 KB of the ~28 KB a message may carry
STYLES = {"primary": "positive", "danger": "destructive"}

Element = dict[str, Any]


def _paragraphs(text: str) -> str:
    """Adaptive Card Markdown needs a blank line for a line break, except between list items."""
    out: list[str] = []
    for line in text.splitlines():
        if out and not (line.lstrip().startswith(("- ", "* ")) and out[-1].lstrip().startswith(("- ", "* "))):
            out.append("")
        out.append(line)
    return "\n".join(out)


def text_block(text: str, **extra: Any) -> Element:
    return {"type": "TextBlock", "text": _paragraphs(text), "wrap": True, **extra}


def _image(block: Image) -> Element:
    if block.url:
        url = block.url
    elif block.data and len(block.data) <= MAX_INLINE_IMAGE:
        url = "data:image/png;base64," + base64.b64encode(block.data).decode("ascii")
    else:
        return text_block(f"[image: {block.alt}]", isSubtle=True)
    image: Element = {"type": "Image", "url": url, "altText": block.alt, "size": "Stretch"}
    if block.title:
        return {"type": "Container", "items": [text_block(block.title, weight="Bolder"), image]}
    return image


def _action(button: Any) -> Element:
    if button.url:
        return {"type": "Action.OpenUrl", "title": button.label, "url": button.url}
    action: Element = {
        "type": "Action.Execute", "title": button.label, "verb": button.action,
        "data": {"action": button.action, "value": button.value},
    }
    if button.style in STYLES:
        action["style"] = STYLES[button.style]
    return action


def body(card: Card) -> list[Element]:
    """The card's elements, in order; a Divider puts a separator above what follows it."""
    elements: list[Element] = []
    if card.title:
        elements.append(text_block(card.title, size="Medium", weight="Bolder"))
    separate = False
    for block in card.blocks:
        element: Element | None = None
        if isinstance(block, Section):
            element = text_block(block.text)
        elif isinstance(block, Context):
            element = text_block(block.plain(), isSubtle=True, size="Small")
        elif isinstance(block, Mentions):
            tags = " ".join(f"<at>{m.name or m.id}</at>" for m in block.who)
            element = text_block(f"{tags} {block.text}".strip())
        elif isinstance(block, Fields):
            element = {"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in block.pairs]}
        elif isinstance(block, Image):
            element = _image(block)
        elif isinstance(block, Actions):
            element = {"type": "ActionSet", "actions": [_action(b) for b in block.buttons]}
        elif isinstance(block, Divider):
            separate = True
            continue
        if element is not None:
            if separate:
                element["separator"] = True
                separate = False
            elements.append(element)
    return elements


def adaptive_card(out: Outbound) -> Element:
    """An Adaptive Card 1.5 for a neutral card (or a one-block card for plain text)."""
    card = out if isinstance(out, Card) else Card(title="", blocks=(Section(out.text),), fallback=out.text)
    msteams: Element = {"width": "Full"}
    entities = mention_entities(card)
    if entities:
        msteams["entities"] = entities
    return {
        "type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION,
        "body": body(card), "fallbackText": fallback_text(card), "msteams": msteams,
    }


def mention_entities(card: Card) -> list[Element]:
    """Teams mention entities for the card's `Mentions` (a user by id, a tag with `type: tag`)."""
    out: list[Element] = []
    for block in card.blocks:
        if isinstance(block, Mentions):
            for m in block.who:
                mentioned: Element = {"id": m.id, "name": m.name or m.id}
                if m.group:
                    mentioned["type"] = "tag"
                out.append({"type": "mention", "text": f"<at>{m.name or m.id}</at>", "mentioned": mentioned})
    return out


def fallback_text(out: Outbound) -> str:
    """What to show where cards cannot render."""
    if isinstance(out, Text):
        return out.text
    return out.fallback or card_text(out)


def without_actions(card: Element, note: str) -> Element:
    """The same card with its buttons replaced by a note (the card a clicker sees after voting)."""
    kept = [e for e in card.get("body", []) if e.get("type") != "ActionSet"]
    return {**card, "body": [*kept, text_block(note, isSubtle=True)], "actions": []}

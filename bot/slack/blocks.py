"""Neutral outbound messages rendered as Block Kit: a pure function, no I/O.

Slack rejects a message with more than 50 blocks or a section text over 3,000 characters, so long
texts are split into several sections and over-long messages are trimmed with a note, keeping the
sources and buttons at the end. PNG images given as bytes cannot be inlined in Block Kit: they come
back in `Rendered.uploads` for the port to upload next to the message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.core.model import (
    Actions,
    Block,
    Button,
    Context,
    Divider,
    Fields,
    Image,
    Mentions,
    Outbound,
    Section,
    Text,
)

MAX_BLOCKS = 50
MAX_TEXT = 3000
MAX_FIELD = 2000
MAX_FALLBACK = 3000
TRIMMED = "_This message was trimmed to fit Slack; see the sources for the full text._"

SlackBlock = dict[str, Any]

_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+|mailto:[^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_HEADING = re.compile(r"^#{1,6}\s+(.+)$", re.MULTILINE)
_BULLET = re.compile(r"^(\s*)[-*]\s+", re.MULTILINE)


@dataclass
class Rendered:
    """What one outbound message becomes in Slack."""

    blocks: list[SlackBlock]
    text: str
    uploads: list[Image] = field(default_factory=list)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: str) -> str:
    """Light Markdown (**bold**, _italic_, [label](url), `- ` lists, `#` headings) as Slack mrkdwn."""
    parts: list[str] = []
    pos = 0
    for m in _LINK.finditer(text):
        parts.append(_plain(text[pos : m.start()]))
        label = _escape(m.group(1)).replace("|", "¦")
        parts.append(f"<{m.group(2)}|{label}>")
        pos = m.end()
    parts.append(_plain(text[pos:]))
    return "".join(parts)


def _plain(text: str) -> str:
    text = _escape(text)
    text = _HEADING.sub(r"**\1**", text)
    text = _BOLD.sub(r"*\1*", text)
    return _BULLET.sub(r"\1• ", text)


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split text into pieces of at most `limit` characters, at line, sentence or word breaks."""
    pieces: list[str] = []
    while len(text) > limit:
        window = text[:limit]
        cut = max(window.rfind("\n"), window.rfind(". ") + 1, window.rfind(" "))
        if cut <= limit // 2:
            cut = limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text.strip() or not pieces:
        pieces.append(text)
    return pieces


def _section(text: str) -> list[SlackBlock]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": part or " "}} for part in split_text(text)]


def _context(text: str) -> list[SlackBlock]:
    return [{"type": "context", "elements": [{"type": "mrkdwn", "text": part or " "}]} for part in split_text(text)]


def _button(button: Button) -> SlackBlock:
    out: SlackBlock = {
        "type": "button",
        "text": {"type": "plain_text", "text": button.label[:75] or " ", "emoji": True},
        "action_id": button.action[:255],
    }
    if button.value:
        out["value"] = button.value[:2000]
    if button.style:
        out["style"] = button.style
    if button.url:
        out["url"] = button.url[:3000]
    return out


def _fields(pairs: tuple[tuple[str, str], ...]) -> list[SlackBlock]:
    texts = [f"*{_escape(k)}*\n{mrkdwn(v)}"[:MAX_FIELD] for k, v in pairs]
    return [{"type": "section", "fields": [{"type": "mrkdwn", "text": t} for t in texts[i : i + 10]]}
            for i in range(0, len(texts), 10)]


def render_block(block: Block, uploads: list[Image]) -> list[SlackBlock]:
    """One neutral block as zero or more Slack blocks (images with bytes go to `uploads`)."""
    if isinstance(block, Section):
        return _section(mrkdwn(block.text))
    if isinstance(block, Context):
        mention = f"<@{block.by.id}> " if block.by else ""
        return _context(mention + mrkdwn(block.text))
    if isinstance(block, Mentions):
        tags = " ".join(f"<!subteam^{m.id}>" if m.group else f"<@{m.id}>" for m in block.who)
        return _section(f"{tags} {mrkdwn(block.text)}".strip())
    if isinstance(block, Fields):
        return _fields(block.pairs)
    if isinstance(block, Actions):
        buttons = [_button(b) for b in block.buttons]
        return [{"type": "actions", "elements": buttons[i : i + 25]} for i in range(0, len(buttons), 25)]
    if isinstance(block, Image):
        if block.data is not None:
            uploads.append(block)
            return []
        if not block.url:
            return []
        image: SlackBlock = {"type": "image", "image_url": block.url, "alt_text": (block.alt or "image")[:2000]}
        if block.title:
            image["title"] = {"type": "plain_text", "text": block.title[:2000]}
        return [image]
    if isinstance(block, Divider):
        return [{"type": "divider"}]
    return []


def fit(blocks: list[SlackBlock], limit: int = MAX_BLOCKS) -> list[SlackBlock]:
    """Trim to Slack's block limit, keeping trailing sources/buttons and saying that it trimmed."""
    if len(blocks) <= limit:
        return blocks
    tail: list[SlackBlock] = []
    for b in reversed(blocks):
        if b["type"] not in ("context", "actions") or len(tail) >= 3:
            break
        tail.insert(0, b)
    head = blocks[: len(blocks) - len(tail)][: limit - len(tail) - 1]
    return [*head, {"type": "context", "elements": [{"type": "mrkdwn", "text": TRIMMED}]}, *tail]


def render(out: Outbound) -> Rendered:
    """A Text or Card as Block Kit blocks plus the notification/fallback text."""
    if isinstance(out, Text):
        text = mrkdwn(out.text)
        return Rendered(blocks=fit(_section(text)), text=text[:MAX_FALLBACK])
    uploads: list[Image] = []
    blocks: list[SlackBlock] = []
    if out.title:
        blocks.append({"type": "header", "text": {"type": "plain_text", "text": out.title[:150], "emoji": True}})
    for block in out.blocks:
        blocks.extend(render_block(block, uploads))
    fallback = mrkdwn(out.fallback or out.title or "cxbot")
    return Rendered(blocks=fit(blocks), text=fallback[:MAX_FALLBACK], uploads=uploads)

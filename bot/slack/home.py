"""The App Home tab: what cxbot can do, then the sections features contribute (pulses, digests)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.core.home import HomeSection, home_blocks
from bot.core.model import Block, Context, Divider, Section, User
from bot.core.router import Router
from bot.slack.blocks import MAX_BLOCKS, SlackBlock, fit, render_block

INTRO = (
    "**Ask me anything about our CX playbooks and trend material.** Mention me in a channel, "
    "write me a direct message, or use `/cx <question>` for an answer only you see."
)


def capabilities(router: Router) -> list[Block]:
    """The command table as a short list."""
    lines = [f"- `/cx {spec.usage}` — {spec.summary}" for spec in sorted(router.commands.values(), key=lambda s: s.word)]
    return [Section(INTRO), Section("**Commands**\n" + "\n".join(lines))]


async def home_view(router: Router, sections: Sequence[HomeSection], user: User) -> dict[str, Any]:
    """The `views.publish` view for one person."""
    neutral: list[Block] = [*capabilities(router)]
    contributed = await home_blocks(sections, user)
    if contributed:
        neutral += [Divider(), *contributed]
    else:
        neutral.append(Context("Pulse results and digest subscriptions will show up here."))
    blocks: list[SlackBlock] = [{"type": "header", "text": {"type": "plain_text", "text": "cxbot"}}]
    for block in neutral:
        blocks.extend(render_block(block, []))
    return {"type": "home", "blocks": fit(blocks, MAX_BLOCKS)}

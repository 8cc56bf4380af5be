"""The App Home tab: what cxbot can do, then the sections features contribute (pulses, digests)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.core.home import HomeSection, home_blocks
from bot.core.model import Block, Context, Divider, Section, User
from bot.core.router import Router
from bot.i18n import N_, Translator, translator
from bot.slack.blocks import MAX_BLOCKS, SlackBlock, fit, render_block

INTRO = N_(
    "**Ask me anything about our CX playbooks and trend material.** Mention me in a channel, "
    "write me a direct message, or use `/cx <question>` for an answer only you see."
)


def capabilities(router: Router, t: Translator) -> list[Block]:
    """The command table as a short list."""
    lines = [f"- `/cx {t.gettext(spec.usage)}` — {t.gettext(spec.summary)}"
             for spec in sorted(router.commands.values(), key=lambda s: s.word)]
    return [Section(t.gettext(INTRO)), Section("**" + t.gettext("Commands") + "**\n" + "\n".join(lines))]


async def home_view(router: Router, sections: Sequence[HomeSection], user: User,
                    t: Translator | None = None) -> dict[str, Any]:
    """The `views.publish` view for one person, in their language (`t`)."""
    t = t or translator(router.language)
    neutral: list[Block] = [*capabilities(router, t)]
    contributed = await home_blocks(sections, user, t.language)
    if contributed:
        neutral += [Divider(), *contributed]
    else:
        neutral.append(Context(t.gettext("Pulse results and digest subscriptions will show up here.")))
    blocks: list[SlackBlock] = [{"type": "header", "text": {"type": "plain_text", "text": "cxbot"}}]
    for block in neutral:
        blocks.extend(render_block(block, []))
    return {"type": "home", "blocks": fit(blocks, MAX_BLOCKS)}

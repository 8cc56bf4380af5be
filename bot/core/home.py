"""A neutral "home" hook: features contribute sections to a person's home view (Slack App Home).

A feature appends an async callable `(user, language) -> list[Block]` to `services.home_sections`
(`language`: the person's, "en"/"de", for `bot.i18n.translator`); adapters that have a home view call
`home_blocks(services.home_sections, user, language)`. A failing section is left out.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from bot.core.model import Block, User

log = logging.getLogger(__name__)

HomeSection = Callable[[User, str], Awaitable[list[Block]]]


async def home_blocks(sections: Sequence[HomeSection], user: User, language: str) -> list[Block]:
    """Every contributed section for `user` in `language`, in registration order; failures are logged and skipped."""
    sections = list(sections)
    results = await asyncio.gather(*(s(user, language) for s in sections), return_exceptions=True)
    blocks: list[Block] = []
    for section, result in zip(sections, results, strict=True):
        if isinstance(result, BaseException):
            log.warning("home section failed", extra={"section": getattr(section, "__qualname__", "?"),
                                                      "error": type(result).__name__})
            continue
        blocks.extend(result)
    return blocks

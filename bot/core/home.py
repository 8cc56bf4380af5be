"""A neutral "home" hook: features contribute sections to a person's home view (Slack App Home).

A feature appends an async callable `(user) -> list[Block]` to `services.home_sections`; adapters that
have a home view call `home_blocks(services.home_sections, user)`. A failing section is left out.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from bot.core.model import Block, User

log = logging.getLogger(__name__)

HomeSection = Callable[[User], Awaitable[list[Block]]]


async def home_blocks(sections: Sequence[HomeSection], user: User) -> list[Block]:
    """Every contributed section for `user`, in registration order; failures are logged and skipped."""
    sections = list(sections)
    results = await asyncio.gather(*(s(user) for s in sections), return_exceptions=True)
    blocks: list[Block] = []
    for section, result in zip(sections, results, strict=True):
        if isinstance(result, BaseException):
            log.warning("home section failed", extra={"section": getattr(section, "__qualname__", "?"),
                                                      "error": type(result).__name__})
            continue
        blocks.extend(result)
    return blocks

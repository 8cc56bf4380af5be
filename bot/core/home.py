"""A neutral "home" hook: features contribute sections to a person's home view (Slack App Home).

A feature registers an async callable `(user) -> list[Block]` with `add_home_section(services.extras, fn)`;
adapters that have a home view call `home_blocks(extras, user)`. A failing section is left out.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.core.model import Block, User

log = logging.getLogger(__name__)

HOME_SECTIONS = "home_sections"

HomeSection = Callable[[User], Awaitable[list[Block]]]


def add_home_section(extras: dict[str, Any], section: HomeSection) -> None:
    """Contribute a section to every person's home view."""
    extras.setdefault(HOME_SECTIONS, []).append(section)


async def home_blocks(extras: dict[str, Any], user: User) -> list[Block]:
    """Every contributed section for `user`, in registration order; failures are logged and skipped."""
    sections: list[HomeSection] = list(extras.get(HOME_SECTIONS, []))
    results = await asyncio.gather(*(s(user) for s in sections), return_exceptions=True)
    blocks: list[Block] = []
    for section, result in zip(sections, results, strict=True):
        if isinstance(result, BaseException):
            log.warning("home section failed", extra={"section": getattr(section, "__qualname__", "?"),
                                                      "error": type(result).__name__})
            continue
        blocks.extend(result)
    return blocks

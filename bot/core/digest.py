"""What other features add to a channel's weekly digest (the pulse feature adds its latest result).

A feature appends a `DigestSection` to `services.digest_sections`; the digest feature asks each one
for the conversation it builds a digest for and shows every non-empty answer under its title.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DigestSection:
    """A titled paragraph of the digest.

    `summary(conversation_key, language)` gets a key like `slack:C123` and the digest's language ("en",
    "de"; `bot.i18n.translator(language)` words it) and returns the paragraph for that conversation,
    or None to leave the section out. It is called in a worker thread. `title` is marked with
    `bot.i18n.N_` and translated by the digest.
    """

    title: str
    summary: Callable[[str, str], str | None]

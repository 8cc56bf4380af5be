"""Which collections an answer may use: the public ones, and those whose audience lists a reader.

Who reads the answer comes with the inbound event (`Inbound.readers`), filled in by the platform
adapter, which knows its platform's rules (`bot.slack.translate.readers`, `bot.teams.inbound.readers`):
- in a channel, group chat or team (anyone there reads the answer, and may share it): that
  conversation (Slack channel; Teams channel or its team);
- in a DM: the asking user or one of their groups;
- anywhere else (console, unknown): nobody, so public collections only.
"""

from __future__ import annotations

from bot.core.model import Inbound
from bot.trust.collections import Collections


def allowed_for(collections: Collections, inbound: Inbound) -> frozenset[str]:
    """The collections an answer to this inbound may quote, cite or be influenced by."""
    return collections.visible(**dict(inbound.readers))

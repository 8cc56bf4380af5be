"""Which collections an answer may use, from where and by whom it was asked.

- In a channel, group chat or team (anyone there reads the answer, and may share it): the
  collections whose audience lists that conversation (Slack channel; Teams channel or its team).
- In a DM: the collections whose audience lists the asking user or one of their groups.
- Anywhere else (console, unknown): public collections only.
"""

from __future__ import annotations

from bot.core.model import Inbound
from bot.trust.collections import Collections


def allowed_for(collections: Collections, inbound: Inbound) -> frozenset[str]:
    """The collections an answer to this inbound may quote, cite or be influenced by."""
    conv, user = inbound.conversation, inbound.user
    if conv.platform == "slack":
        if conv.kind == "dm":
            return collections.visible(slack_users=(user.id,), slack_groups=user.groups)
        return collections.visible(slack_channels=(conv.id,))
    if conv.platform == "teams":
        if conv.kind == "dm":
            return collections.visible(teams_users=(user.id,))
        return collections.visible(teams_channels=(conv.id,), teams_teams=(conv.team,) if conv.kind == "channel" else ())
    return collections.public()

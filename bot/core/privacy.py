"""Keyed hashing of user ids: we can count and forget a person without storing who they are."""

from __future__ import annotations

import hashlib
import hmac
import re

# A person's platform id inside text someone typed (a mention in a question, a digest that quotes one):
# Slack `<@U…>` mentions and bare U…/W… ids, Teams `<at>…</at>` mentions, `29:…` ids and AAD object ids.
_USER_IDS = re.compile(
    r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>|<at>[^<]*</at>|\b[UW](?=[A-Z]*[0-9])[A-Z0-9]{8,}\b|\b29:[\w-]{8,}"
    r"|(?i:\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b)")


def hash_user(key: str, platform: str, user_id: str, purpose: str = "user") -> str:
    msg = f"{purpose}\x1f{platform}\x1f{user_id}".encode()
    return hmac.new(key.encode(), msg, hashlib.sha256).hexdigest()


def scrub_ids(text: str) -> str:
    """`text` with Slack and Teams user ids and mentions replaced by "@someone" (pages, exports)."""
    return _USER_IDS.sub("@someone", text)

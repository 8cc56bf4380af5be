"""Who a Slack user is, as far as replies need it: their display name and their language.

One `users.info` call with `include_locale=true` per person, kept for an hour (at most 5,000 people):
the locale ("de-DE") says which language cxbot answers them in. A failing call (missing scope, rate
limit) never blocks an answer: the person gets the default language and no name until the next try.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import language_of

log = logging.getLogger(__name__)

TTL_SECONDS = 3600.0
FAILURE_BACKOFF = 60.0
MAX_PEOPLE = 5000


@dataclass(frozen=True)
class SlackUser:
    name: str = ""
    language: str | None = None  # a supported language ("de", "en"), None when unknown or unsupported


class SlackUsers:
    """`users.info` per user id, cached; `language(user_id)` is what the adapter puts on `Inbound.language`."""

    def __init__(self, client: AsyncWebClient, ttl: float = TTL_SECONDS) -> None:
        self.client = client
        self.ttl = ttl
        self._known: dict[str, tuple[float, SlackUser]] = {}
        self.calls = 0

    async def get(self, user_id: str) -> SlackUser:
        if not user_id:
            return SlackUser()
        hit = self._known.get(user_id)
        if hit is not None and time.monotonic() < hit[0]:
            return hit[1]
        self.calls += 1
        try:
            resp = await self.client.users_info(user=user_id, include_locale=True)
        except Exception as exc:
            log.info("users.info failed; default language for now", extra={"error": type(exc).__name__})
            self._keep(user_id, SlackUser(), FAILURE_BACKOFF)
            return SlackUser()
        user = resp.get("user") or {}
        profile = user.get("profile") or {}
        name = str(user.get("real_name") or profile.get("display_name") or user.get("name") or "")
        found = SlackUser(name, language_of(str(user.get("locale") or "")))
        self._keep(user_id, found, self.ttl)
        return found

    async def language(self, user_id: str) -> str | None:
        return (await self.get(user_id)).language

    def _keep(self, user_id: str, user: SlackUser, seconds: float) -> None:
        if len(self._known) >= MAX_PEOPLE:
            self._known.clear()
        self._known[user_id] = (time.monotonic() + seconds, user)

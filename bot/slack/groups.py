"""Slack user-group membership (for the evangelist check), cached for ten minutes.

A failing `usergroups.list` (missing scope, rate limit) never blocks an answer: the user simply has
no groups until the next successful refresh.
"""

from __future__ import annotations

import asyncio
import logging
import time

from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

TTL_SECONDS = 600.0
FAILURE_BACKOFF = 60.0


class UserGroups:
    """Maps a user id to the ids and `@handles` of the user groups they belong to."""

    def __init__(self, client: AsyncWebClient, ttl: float = TTL_SECONDS) -> None:
        self.client = client
        self.ttl = ttl
        self._members: dict[str, tuple[str, ...]] = {}
        self._expires = 0.0
        self._lock = asyncio.Lock()

    async def of(self, user_id: str) -> tuple[str, ...]:
        """The groups of one user (empty when unknown or when Slack could not be asked)."""
        if time.monotonic() >= self._expires:
            async with self._lock:
                if time.monotonic() >= self._expires:
                    await self._refresh()
        return self._members.get(user_id, ())

    async def _refresh(self) -> None:
        try:
            resp = await self.client.usergroups_list(include_users=True)
        except Exception as exc:
            log.warning("usergroups.list failed; users get no groups for now", extra={"error": type(exc).__name__})
            self._expires = time.monotonic() + FAILURE_BACKOFF
            return
        members: dict[str, list[str]] = {}
        for group in resp.get("usergroups") or []:
            names = [str(group.get("id", ""))] + ([f"@{group['handle']}"] if group.get("handle") else [])
            for user in group.get("users") or []:
                members.setdefault(str(user), []).extend(n for n in names if n)
        self._members = {u: tuple(g) for u, g in members.items()}
        self._expires = time.monotonic() + self.ttl

"""The Web API client (retrying on 429 and connection errors) and the bot's identity from `auth.test`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

DEFAULT_API_URL = "https://slack.com/api/"


def make_client(token: str | None, base_url: str | None) -> AsyncWebClient:
    """A client that honours `Retry-After` on 429 and retries dropped connections and 500/503."""
    return AsyncWebClient(
        token=token,
        base_url=base_url or DEFAULT_API_URL,
        timeout=30,
        retry_handlers=[
            AsyncRateLimitErrorRetryHandler(max_retry_count=10),
            AsyncConnectionErrorRetryHandler(max_retry_count=3),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )


class BotIdentity:
    """Who the bot is, asked once (`auth.test`) and shared by every request: bolt's `authorize`."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self.data: dict[str, Any] | None = None
        self._lock = asyncio.Lock()

    @property
    def user_id(self) -> str | None:
        return None if self.data is None else self.data.get("user_id")

    async def load(self) -> dict[str, Any]:
        if self.data is None:
            async with self._lock:
                if self.data is None:
                    resp = await self.client.auth_test()
                    self.data = dict(resp.data) if isinstance(resp.data, dict) else {}
        return self.data

    def authorizer(self) -> Callable[..., Awaitable[AuthorizeResult]]:
        """Bolt's `authorize` function (a closure: bolt passes arguments by their names)."""

        async def authorize(enterprise_id: str | None, team_id: str | None, user_id: str | None) -> AuthorizeResult:
            data = await self.load()
            return AuthorizeResult(
                enterprise_id=enterprise_id, team_id=team_id or data.get("team_id"), team=data.get("team"),
                url=data.get("url"), bot_user_id=data.get("user_id"), bot_id=data.get("bot_id"),
                bot_token=self.client.token, user_id=user_id,
            )

        return authorize

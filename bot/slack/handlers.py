"""What happens after the acknowledgement: de-duplicate, translate, add context, dispatch to the router."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from bot.core.model import Inbound, Text, User
from bot.core.privacy import hash_user
from bot.slack import translate
from bot.slack.client import BotIdentity
from bot.slack.groups import UserGroups
from bot.slack.home import home_view
from bot.slack.port import SlackPort
from bot.slack.seen import SeenEvents

if TYPE_CHECKING:
    from bot.app import Services

log = logging.getLogger(__name__)

Payload = dict[str, Any]
SORRY = Text("Sorry, something went wrong while answering. Please try again in a minute.")


class SlackHandlers:
    """What the queue workers run for each acknowledged request (one method per kind of request)."""

    def __init__(self, services: Services, port: SlackPort, identity: BotIdentity, groups: UserGroups,
                 seen: SeenEvents) -> None:
        self.services = services
        self.port = port
        self.identity = identity
        self.groups = groups
        self.seen = seen
        self.names: dict[str, str] = {}

    async def event_message(self, body: Payload) -> None:
        """An app_mention or a DM: answered once per `event_id`, with the thread as history."""
        event = body.get("event") or {}
        event_id = str(body.get("event_id") or "")
        if event_id and not await asyncio.to_thread(self.seen.claim, event_id):
            log.info("duplicate event ignored", extra={"event_id": event_id})
            return
        bot = self.identity.user_id
        if event.get("type") == "app_mention":
            inbound = translate.from_mention(event, body.get("team_id"), bot)
        else:
            inbound = translate.from_dm(event, body.get("team_id"), bot)
        thread = event.get("thread_ts")
        if thread and thread != event.get("ts"):
            inbound = replace(inbound, history=await self._history(inbound.conversation.id, thread, event.get("ts")))
        await self._dispatch(inbound, self.port)

    async def thread_reply(self, body: Payload) -> None:
        """A reply in a channel thread (once per `event_id`), with the writer's name, for a feature to take."""
        event = body.get("event") or {}
        event_id = str(body.get("event_id") or "")
        if event_id and not await asyncio.to_thread(self.seen.claim, event_id):
            return
        name = await self._name(str(event.get("user", "")))
        await self._dispatch(translate.from_thread_reply(event, body.get("team_id"), name), self.port)

    async def _name(self, user_id: str) -> str:
        """A person's display name (`users.info`, kept for the process); "" when Slack will not say."""
        if user_id in self.names:
            return self.names[user_id]
        try:
            resp = await self.port.client.users_info(user=user_id)
        except Exception as exc:
            log.info("users.info failed", extra={"error": type(exc).__name__})
            return ""
        user = resp.get("user") or {}
        profile = user.get("profile") or {}
        name = str(user.get("real_name") or profile.get("display_name") or user.get("name") or "")
        if len(self.names) > 5000:
            self.names.clear()
        self.names[user_id] = name
        return name

    async def command(self, body: Payload) -> None:
        await self._dispatch(translate.from_command(body), self.port.for_request(body.get("response_url")))

    async def action(self, body: Payload, action: Payload) -> None:
        inbound = translate.from_block_action(body, action)
        await self._dispatch(inbound, self.port.for_request(body.get("response_url")))

    async def home(self, event: Payload) -> None:
        user = User("slack", str(event.get("user", "")))
        user = replace(user, groups=await self.groups.of(user.id))
        view = await home_view(self.services.router, self.services.home_sections, user)
        await self.port.client.views_publish(user_id=user.id, view=view)

    async def _history(self, channel: str, thread: str, current: str | None) -> tuple[str, ...]:
        try:
            resp = await self.port.client.conversations_replies(channel=channel, ts=thread, limit=50)
        except Exception as exc:
            log.warning("thread history unavailable", extra={"error": type(exc).__name__})
            return ()
        return translate.thread_history(list(resp.get("messages") or []), current, self.identity.user_id)

    async def _dispatch(self, inbound: Inbound, port: SlackPort) -> None:
        inbound = replace(inbound, user=replace(inbound.user, groups=await self.groups.of(inbound.user.id)))
        inbound = replace(inbound, readers=translate.readers(inbound))
        try:
            await self.services.router.dispatch(inbound, port)
        except Exception:
            key = self.services.settings.hash_key.get_secret_value()
            log.exception("handling a slack request failed",
                          extra={"user": hash_user(key, "slack", inbound.user.id), "kind": inbound.kind.value})
            if inbound.kind.value != "action":
                await port.reply(inbound, SORRY)

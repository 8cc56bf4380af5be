"""What happens after the acknowledgement: de-duplicate, translate, add context, dispatch to the router."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from bot.core.model import Conversation, Exchange, Inbound, InboundKind, Text, User
from bot.core.privacy import hash_user
from bot.i18n import N_, translator
from bot.slack import translate
from bot.slack.client import BotIdentity
from bot.slack.groups import UserGroups
from bot.slack.home import home_view
from bot.slack.port import SlackPort
from bot.slack.seen import SeenEvents
from bot.slack.users import SlackUsers

if TYPE_CHECKING:
    from bot.app import Services

log = logging.getLogger(__name__)

Payload = dict[str, Any]
PROMPTS_TITLE = N_("Try asking")
SORRY = N_("Sorry, something went wrong while answering. Please try again in a minute.")
WORKING = "eyes"  # the reaction on a question in an auto-answer channel while it is being answered
Before = Callable[[], Awaitable[Any]]
Status = Callable[[str], Awaitable[Any]]  # shows a status in the asker's language


class SlackHandlers:
    """What the queue workers run for each acknowledged request (one method per kind of request)."""

    def __init__(self, services: Services, port: SlackPort, identity: BotIdentity, groups: UserGroups,
                 seen: SeenEvents) -> None:
        self.services = services
        self.port = port
        self.identity = identity
        self.groups = groups
        self.seen = seen
        self.users = SlackUsers(port.client)  # names and languages (users.info with the locale), cached

    async def event_message(self, body: Payload, before: Status | None = None) -> None:
        """An app_mention or a DM: answered once per `event_id`, with the thread as history.

        `before` runs once the event is claimed, before the answer, with the asker's language (the
        assistant's status)."""
        event = body.get("event") or {}
        if not await self._claim(body):
            return
        bot = self.identity.user_id
        if event.get("type") == "app_mention":
            inbound = translate.from_mention(event, body.get("team_id"), bot)
        else:
            inbound = translate.from_dm(event, body.get("team_id"), bot)
        inbound = await self._localized(inbound)
        if before is not None:
            language = self.services.router.language_for(inbound)
            await _quietly(lambda: before(language), "assistant status", logging.INFO)  # not in a plain DM thread
        await self._dispatch(await self._with_history(inbound, event), self.port)

    async def channel_message(self, body: Payload) -> None:
        """A channel message without a mention: a follow-up in a thread cxbot answered, or a question in an
        auto-answer channel (with 👀 on it while it is answered); other thread replies go to the features
        as REPLY (`thread_reply`); anything else is left alone."""
        event = body.get("event") or {}
        bot = self.identity.user_id
        reason = None
        if translate.is_channel_message(event, bot):
            inbound = translate.from_channel_message(event, body.get("team_id"), bot)
            reason = await self.services.listening.takes(inbound)
        if reason is None:
            if translate.is_thread_reply(event, bot):  # for a feature to take (an expert answering)
                await self.thread_reply(body)
            return
        if not await self._claim(body):
            return
        inbound = await self._with_history(inbound, event)
        where = {"channel": inbound.conversation.id, "timestamp": str(event.get("ts", "")), "name": WORKING}
        if reason == "auto":
            await _quietly(lambda: self.port.client.reactions_add(**where), "reactions.add")
        try:
            await self._dispatch(inbound, self.port)
        finally:
            if reason == "auto":
                await _quietly(lambda: self.port.client.reactions_remove(**where), "reactions.remove")

    async def assistant_started(self, body: Payload, set_prompts: Callable[..., Awaitable[Any]]) -> None:
        """A new assistant thread: suggested prompts from what this person may read."""
        thread = (body.get("event") or {}).get("assistant_thread") or {}
        user = User("slack", str(thread.get("user_id", "")))
        user = replace(user, groups=await self.groups.of(user.id))
        conv = Conversation("slack", str(thread.get("channel_id", "")), "dm")
        inbound = await self._localized(Inbound(InboundKind.MESSAGE, conv, user))
        language = self.services.router.language_for(inbound)
        prompts = await self.services.listening.prompts(translate.readers(inbound), language)
        if prompts:
            await set_prompts(prompts=[{"title": p.title, "message": p.message} for p in prompts],
                              title=translator(language).gettext(PROMPTS_TITLE))

    async def thread_reply(self, body: Payload) -> None:
        """A reply in a channel thread (once per `event_id`), with the writer's name, for a feature to take."""
        event = body.get("event") or {}
        event_id = str(body.get("event_id") or "")
        if event_id and not await asyncio.to_thread(self.seen.claim, event_id):
            return
        name = await self._name(str(event.get("user", "")))
        await self._dispatch(translate.from_thread_reply(event, body.get("team_id"), name), self.port)

    async def _name(self, user_id: str) -> str:
        """A person's display name (`users.info`, cached); "" when Slack will not say."""
        return (await self.users.get(user_id)).name

    async def _localized(self, inbound: Inbound) -> Inbound:
        """The inbound with the asker's language from their Slack locale (cached), unless already known."""
        if inbound.language is not None:
            return inbound
        return replace(inbound, language=await self.users.language(inbound.user.id))

    async def command(self, body: Payload) -> None:
        await self._dispatch(translate.from_command(body), self.port.for_request(body.get("response_url")))

    async def action(self, body: Payload, action: Payload) -> None:
        inbound = translate.from_block_action(body, action)
        await self._dispatch(inbound, self.port.for_request(body.get("response_url")))

    async def home(self, event: Payload) -> None:
        user = User("slack", str(event.get("user", "")))
        user = replace(user, groups=await self.groups.of(user.id))
        language = self.services.router.language_for(
            await self._localized(Inbound(InboundKind.MESSAGE, Conversation("slack", user.id, "dm"), user)))
        view = await home_view(self.services.router, self.services.home_sections, user, translator(language))
        await self.port.client.views_publish(user_id=user.id, view=view)

    async def _claim(self, body: Payload) -> bool:
        event_id = str(body.get("event_id") or "")
        if event_id and not await asyncio.to_thread(self.seen.claim, event_id):
            log.info("duplicate event ignored", extra={"event_id": event_id})
            return False
        return True

    async def _with_history(self, inbound: Inbound, event: Payload) -> Inbound:
        thread = event.get("thread_ts")
        if thread and thread != event.get("ts"):
            return replace(inbound, history=await self._history(inbound.conversation.id, thread, event.get("ts")))
        return inbound

    async def _history(self, channel: str, thread: str, current: str | None) -> tuple[Exchange, ...]:
        try:
            resp = await self.port.client.conversations_replies(channel=channel, ts=thread, limit=50)
        except Exception as exc:
            log.warning("thread history unavailable", extra={"error": type(exc).__name__})
            return ()
        return translate.thread_history(list(resp.get("messages") or []), current, self.identity.user_id)

    async def _dispatch(self, inbound: Inbound, port: SlackPort) -> None:
        inbound = await self._localized(inbound)
        inbound = replace(inbound, user=replace(inbound.user, groups=await self.groups.of(inbound.user.id)))
        inbound = replace(inbound, readers=translate.readers(inbound), command_prefix=translate.COMMAND_PREFIX)
        try:
            await self.services.router.dispatch(inbound, port)
        except Exception:
            key = self.services.settings.hash_key.get_secret_value()
            log.exception("handling a slack request failed",
                          extra={"user": hash_user(key, "slack", inbound.user.id), "kind": inbound.kind.value})
            if inbound.kind.value != "action" and not inbound.unprompted:
                t = translator(self.services.router.language_for(inbound))
                await port.reply(inbound, Text(t.gettext(SORRY)))


async def _quietly(call: Before, what: str, level: int = logging.WARNING) -> None:
    """A Web API call that must not stop an answer (a missing scope, an old thread, a rate limit)."""
    try:
        await call()
    except Exception as exc:
        log.log(level, "slack call failed; answering anyway", extra={"call": what, "error": type(exc).__name__})

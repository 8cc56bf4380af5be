"""The chat port for Teams: replies in the turn, proactive posts and updates via stored references.

`TeamsPort` works outside any turn (digests, pulses): it continues the conversation from its stored
`ConversationReference`. `TurnPort` answers inside a turn (threads kept). `InvokePort` handles an
`Action.Execute` click: the handler's first reply (or its update of the clicked card) becomes the
invoke response, i.e. the updated card that person sees.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import Any
from urllib.parse import quote, urlencode

from botbuilder.core import BotAdapter, TurnContext
from botbuilder.schema import Activity, ActivityTypes, Attachment, ConversationReference

from bot.core.model import Card, Conversation, Image, Inbound, MessageRef, Outbound, Text
from bot.i18n import N_, Translator, translator
from bot.teams.adaptive import CONTENT_TYPE, adaptive_card, fallback_text, without_actions
from bot.teams.images import fit_images
from bot.teams.inbound import THREAD
from bot.teams.store import ConversationStore
from bot.teams.stream import Stream, can_stream

log = logging.getLogger(__name__)

CARD_CHANNELS = frozenset({"msteams", "emulator", "webchat", "directline", "test"})
MESSAGE_TYPE = "application/vnd.microsoft.activity.message"
REMEMBERED_CARDS = 1000
GOT_IT = N_("Got it.")
DEEP_LINK = "https://teams.microsoft.com/l/message/"


def deep_link(conversation: Conversation, message_id: str, tenant_id: str | None = None) -> str | None:
    """A Teams link to a message in a channel or group chat (a personal chat with the bot has none others can open)."""
    if conversation.kind == "dm" or not message_id:
        return None
    query = {"tenantId": tenant_id} if tenant_id else {}
    if conversation.thread and conversation.thread != message_id:
        query["parentMessageId"] = conversation.thread
    tail = f"?{urlencode(query)}" if query else ""
    return f"{DEEP_LINK}{quote(conversation.id, safe='')}/{quote(message_id, safe='')}{tail}"


def to_activity(out: Outbound, channel_id: str | None = "msteams") -> Activity:
    """A message activity: an Adaptive Card attachment, or plain text where cards do not render."""
    if isinstance(out, Text):
        return Activity(type=ActivityTypes.message, text=out.text, text_format="markdown")
    if channel_id not in CARD_CHANNELS:
        return Activity(type=ActivityTypes.message, text=fallback_text(out), text_format="markdown")
    attachment = Attachment(content_type=CONTENT_TYPE, content=adaptive_card(out))
    return Activity(type=ActivityTypes.message, attachments=[attachment], summary=fallback_text(out))


async def fitted(out: Outbound) -> Outbound:
    """`out` with its inline images shrunk to fit a Teams message (in a worker thread)."""
    if isinstance(out, Card) and any(isinstance(b, Image) and b.data for b in out.blocks):
        return await asyncio.to_thread(fit_images, out)
    return out


class TeamsPort:
    """Posts unprompted into stored conversations; remembers the cards it sent for invoke answers."""

    def __init__(self, adapter: BotAdapter, store: ConversationStore, app_id: str) -> None:
        self.adapter = adapter
        self.store = store
        self.app_id = app_id
        self.cards: OrderedDict[str, dict[str, Any]] = OrderedDict()

    def remember(self, activity_id: str | None, activity: Activity) -> None:
        if not activity_id or not activity.attachments:
            return
        self.cards[activity_id] = activity.attachments[0].content
        while len(self.cards) > REMEMBERED_CARDS:
            self.cards.popitem(last=False)

    async def _continue(self, conversation: Conversation, logic: Any) -> bool:
        stored = await asyncio.to_thread(self.store.get, conversation.id)
        if stored is None or not stored.installed:
            log.warning("no stored teams conversation", extra={"conversation": conversation.id})
            return False
        reference = ConversationReference().deserialize(stored.reference)
        if conversation.thread and conversation.kind == "channel":  # a reply in a channel thread
            reference.conversation.id = f"{conversation.id}{THREAD}{conversation.thread}"
        await self.adapter.continue_conversation(reference, logic, self.app_id)
        return True

    async def permalink(self, conversation: Conversation, message_id: str) -> str | None:
        stored = await asyncio.to_thread(self.store.get, conversation.id)
        tenant = ((stored.reference.get("conversation") or {}).get("tenantId") if stored else None)
        return deep_link(conversation, message_id, tenant if isinstance(tenant, str) else None)

    async def reply(self, to: Inbound, out: Outbound) -> MessageRef | None:
        return await self.post(to.conversation, out)

    async def post(self, conversation: Conversation, out: Outbound) -> MessageRef | None:
        sent: list[str] = []
        out = await fitted(out)

        async def logic(ctx: TurnContext) -> None:
            ctx.on_send_activities(_as_new_post)
            activity = to_activity(out, ctx.activity.channel_id)
            response = await ctx.send_activity(activity)
            if response is not None and response.id:
                sent.append(response.id)
                self.remember(response.id, activity)

        if not await self._continue(conversation, logic):
            return None
        return MessageRef(conversation, sent[0]) if sent else None

    async def update(self, ref: MessageRef, out: Outbound) -> None:
        out = await fitted(out)

        async def logic(ctx: TurnContext) -> None:
            await _update(self, ctx, ref, out)

        await self._continue(ref.conversation, logic)


async def _as_new_post(_ctx: TurnContext, activities: list[Activity], send: Any) -> Any:
    """A proactive post starts a new message: it replies to nothing (not to the continuation event)."""
    for activity in activities:
        activity.reply_to_id = None
    return await send()


async def _update(base: TeamsPort, ctx: TurnContext, ref: MessageRef, out: Outbound) -> None:
    activity = to_activity(out, ctx.activity.channel_id)
    activity.id = ref.id
    activity.conversation = ctx.activity.conversation
    await ctx.update_activity(activity)
    base.remember(ref.id, activity)


class TurnPort:
    """The port for one inbound turn: replies go where the person wrote (the thread in channels).

    In a personal chat, `progress` starts a Teams stream with an informative update and the next reply
    ends it as the final message (see `bot.teams.stream`); elsewhere `progress` shows nothing more than
    the typing indicator the bot sent on arrival.
    """

    def __init__(self, base: TeamsPort, ctx: TurnContext) -> None:
        self.base = base
        self.ctx = ctx
        self.stream = Stream(ctx) if can_stream(ctx) else None

    async def progress(self, to: Inbound, note: str) -> None:
        if self.stream is not None:
            await self.stream.inform(note)

    async def _send(self, activity: Activity) -> str | None:
        """Send a reply (as the final message of an open stream); the id it got, if any."""
        stream = self.stream
        if stream is None or not stream.open:
            response = await self.ctx.send_activity(activity)
            return response.id if response is not None and response.id else None
        stream.ended()
        try:
            response = await self.ctx.send_activity(stream.final(activity))
        except Exception as exc:  # e.g. 403 ContentStreamNotAllowed after the 2-minute limit
            log.warning("teams stream final refused, replying plainly", extra={"error": type(exc).__name__})
            response = await self.ctx.send_activity(activity)
            return response.id if response is not None and response.id else None
        # the streamed message keeps the stream's id (Teams answers the final message with 202 and no id)
        return response.id if response is not None and response.id else stream.id

    async def reply(self, to: Inbound, out: Outbound) -> MessageRef | None:
        activity = to_activity(await fitted(out), self.ctx.activity.channel_id)
        sent = await self._send(activity)
        if not sent:
            return None
        self.base.remember(sent, activity)
        return MessageRef(to.conversation, sent)

    async def post(self, conversation: Conversation, out: Outbound) -> MessageRef | None:
        return await self.base.post(conversation, out)

    async def permalink(self, conversation: Conversation, message_id: str) -> str | None:
        return await self.base.permalink(conversation, message_id)

    async def update(self, ref: MessageRef, out: Outbound) -> None:
        if ref.conversation.id != self.ctx.activity.conversation.id.partition(THREAD)[0]:
            await self.base.update(ref, out)  # a message elsewhere: through its stored reference
            return
        await _update(self.base, self.ctx, ref, await fitted(out))


class InvokePort(TurnPort):
    """For `Action.Execute`: what the handler answers becomes the card shown to the person who clicked."""

    def __init__(self, base: TeamsPort, ctx: TurnContext, clicked: str | None) -> None:
        super().__init__(base, ctx)
        self.stream = None  # a click's answer is the invoke response, not a stream
        self.clicked = clicked
        self.body: dict[str, Any] | None = None

    def _answer(self, out: Outbound) -> dict[str, Any]:
        original = self.base.cards.get(self.clicked or "")
        if isinstance(out, Card):
            return {"statusCode": 200, "type": CONTENT_TYPE, "value": adaptive_card(out)}
        if original is not None:
            return {"statusCode": 200, "type": CONTENT_TYPE, "value": without_actions(original, out.text)}
        return {"statusCode": 200, "type": MESSAGE_TYPE, "value": out.text}

    async def reply(self, to: Inbound, out: Outbound) -> MessageRef | None:
        if self.body is not None:
            return await super().reply(to, out)
        self.body = self._answer(await fitted(out))
        if self.clicked and self.body["type"] == CONTENT_TYPE:
            self.base.cards[self.clicked] = self.body["value"]
        return MessageRef(to.conversation, self.clicked) if self.clicked else None

    async def update(self, ref: MessageRef, out: Outbound) -> None:
        if ref.id == self.clicked and self.body is None:
            self.body = self._answer(await fitted(out))
        await super().update(ref, out)

    def response(self, t: Translator | None = None) -> dict[str, Any]:
        """The invoke response body (a message, in `t`'s language, when the handler said nothing)."""
        return self.body or {"statusCode": 200, "type": MESSAGE_TYPE, "value": (t or translator()).gettext(GOT_IT)}

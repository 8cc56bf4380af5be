"""The Slack chat port: neutral messages out through the Web API.

Replies to mentions go into the thread, DM replies into the DM, and private replies (`/cx` commands,
button feedback) are ephemeral, visible only to the person who asked. A port made for one command or
click posts through the request's `response_url` where the bot is not a member of the channel.

Unprompted posts can carry a `PostKey` as Slack message metadata (`event_type` `cxbot_<kind>`,
`event_payload` `{name: value}`); `find_posted` reads the channel's recent history with
`include_all_metadata` to find such a post again (scopes `channels:history` / `groups:history`).
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.core.model import Conversation, Image, Inbound, InboundKind, MessageRef, Outbound
from bot.core.port import PostKey
from bot.slack.blocks import Rendered, render

log = logging.getLogger(__name__)

NOT_A_MEMBER = frozenset({"channel_not_found", "not_in_channel"})
HISTORY_PAGE = 15  # the most Slack returns per page to apps distributed outside the Marketplace
HISTORY_PAGES = 10


class SlackPort:
    """ChatPort over an AsyncWebClient (one shared client and HTTP session for the whole process)."""

    def __init__(self, client: AsyncWebClient, response_url: str | None = None) -> None:
        self.client = client
        self.response_url = response_url

    def for_request(self, response_url: str | None) -> SlackPort:
        """A port for one command or click: its `response_url` is the fallback where the bot is not a member."""
        return SlackPort(self.client, response_url)

    async def reply(self, to: Inbound, out: Outbound) -> MessageRef | None:
        if to.private or to.kind is InboundKind.ACTION:
            return await self._ephemeral(to, out)
        return await self.post(to.conversation, out)

    async def post(self, conversation: Conversation, out: Outbound, *, key: PostKey | None = None) -> MessageRef | None:
        rendered = render(out)
        args = _message_args(rendered)
        if key is not None:
            args["metadata"] = _metadata(key)
        try:
            resp = await self.client.chat_postMessage(channel=conversation.id, thread_ts=conversation.thread,
                                                      unfurl_links=False, unfurl_media=False, **args)
        except SlackApiError as exc:
            if not await self._via_response_url(exc, rendered.text, rendered.blocks, "in_channel"):
                raise
            return None
        ref = MessageRef(conversation, str(resp.get("ts", "")))
        try:
            await self._upload(conversation, rendered.uploads)
        except Exception as exc:  # the message is out: a failed chart must not make a caller post it again
            log.warning("image upload failed after posting", extra={"error": type(exc).__name__})
        return ref

    async def find_posted(self, conversation: Conversation, key: PostKey, since: datetime) -> MessageRef | None:
        """The message tagged `key` posted after `since` (newest first, a few pages at most), or None.

        Raises SlackApiError when Slack cannot tell (a missing history scope, rate limits run out).
        """
        wanted = _metadata(key)
        args: dict[str, Any] = {"channel": conversation.id, "oldest": f"{since.timestamp():.6f}",
                                "limit": HISTORY_PAGE, "include_all_metadata": True}
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            if conversation.thread:
                resp = await self.client.conversations_replies(ts=conversation.thread, cursor=cursor, **args)
            else:
                resp = await self.client.conversations_history(cursor=cursor, **args)
            for message in resp.get("messages") or []:
                if isinstance(message, dict) and message.get("metadata") == wanted and message.get("ts"):
                    return MessageRef(conversation, str(message["ts"]))
            cursor = (resp.get("response_metadata") or {}).get("next_cursor") or None
            if not resp.get("has_more") or not cursor:
                return None
        log.warning("no earlier post found in the pages read", extra={"pages": HISTORY_PAGES, "key": key.value})
        return None

    async def permalink(self, conversation: Conversation, message_id: str) -> str | None:
        """`chat.getPermalink` (no scope needed); None when Slack gives none (a deleted message)."""
        try:
            resp = await self.client.chat_getPermalink(channel=conversation.id, message_ts=message_id)
        except SlackApiError as exc:
            log.info("no permalink", extra={"error": exc.response.get("error")})
            return None
        link = resp.get("permalink")
        return str(link) if link else None

    async def update(self, ref: MessageRef, out: Outbound) -> None:
        rendered = render(out)
        await self.client.chat_update(channel=ref.conversation.id, ts=ref.id, **_message_args(rendered))

    async def _ephemeral(self, to: Inbound, out: Outbound) -> MessageRef | None:
        rendered = render(out)
        conv = to.conversation
        if rendered.uploads:
            log.info("images are not sent in private replies", extra={"count": len(rendered.uploads)})
        try:
            resp = await self.client.chat_postEphemeral(
                channel=conv.id, user=to.user.id, thread_ts=conv.thread, **_message_args(rendered),
            )
        except SlackApiError as exc:
            if not await self._via_response_url(exc, rendered.text, rendered.blocks, "ephemeral"):
                raise
            return None
        return MessageRef(conv, str(resp.get("message_ts", "")))

    async def _via_response_url(self, exc: SlackApiError, text: str, blocks: list[dict[str, Any]], kind: str) -> bool:
        """Where the bot is no member (a `/cx` in a private channel), answer through the request's response_url."""
        if not self.response_url or exc.response.get("error") not in NOT_A_MEMBER:
            return False
        webhook = AsyncWebhookClient(self.response_url, session=self.client.session)
        resp = await webhook.send(text=text, blocks=blocks or None, response_type=kind, replace_original=False)
        if resp.status_code != 200:
            log.warning("response_url refused the message", extra={"status": resp.status_code})
        return True

    async def _upload(self, conversation: Conversation, images: list[Image]) -> None:
        for n, image in enumerate(images, 1):
            name = re.sub(r"[^a-z0-9]+", "-", (image.title or image.alt or "image").lower()).strip("-")[:60]
            await self.client.files_upload_v2(
                file=image.data, filename=f"{name or 'image'}-{n}.png", title=image.title or image.alt,
                alt_txt=image.alt[:1000], channel=conversation.id, thread_ts=conversation.thread,
            )


def _metadata(key: PostKey) -> dict[str, Any]:
    return {"event_type": f"cxbot_{key.kind}", "event_payload": {key.name: key.value}}


def _message_args(rendered: Rendered) -> dict[str, Any]:
    args: dict[str, Any] = {"text": rendered.text or " "}
    if rendered.blocks:
        args["blocks"] = rendered.blocks
    return args

"""The Teams bot: stores where it is, welcomes on install, hands messages and clicks to the router.

Messages get a typing indicator at once; the answer is worked out in the background and posted when
ready, so the HTTP turn ends well inside Teams' 15 seconds. `Action.Execute` clicks are answered in
the turn, because their invoke response is the card the person sees.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from botbuilder.core import ActivityHandler, InvokeResponse, TurnContext
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount, DeliveryModes

from bot.core.model import Inbound, Text
from bot.core.privacy import hash_user
from bot.core.router import Router
from bot.i18n import N_, language_of, translator
from bot.teams.inbound import THREAD, conversation_of, to_inbound
from bot.teams.port import InvokePort, TeamsPort, TurnPort
from bot.teams.store import ConversationStore

log = logging.getLogger(__name__)

WELCOME = N_(
    "Hi, I'm **cxbot**: ask me anything about our CX playbooks and customer-feedback material, "
    "and I answer with sources. Type `help` to see everything I can do."
)
APOLOGY = N_("Sorry, something went wrong on my side. Please try again.")


def sorry(text: str) -> dict[str, Any]:
    """The invoke response that shows `text` instead of a card."""
    return {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": text}


class CxTeamsBot(ActivityHandler):  # type: ignore[misc]
    """Translates Teams activities for the shared router; one instance serves every conversation."""

    def __init__(self, router: Router, port: TeamsPort, store: ConversationStore, hash_key: str) -> None:
        self.router = router
        self.port = port
        self.store = store
        self.hash_key = hash_key
        self.pending: set[asyncio.Task[None]] = set()

    async def remember(self, ctx: TurnContext) -> None:
        """Upsert this conversation's reference so digests and pulses can post here later."""
        activity = ctx.activity
        reference = TurnContext.get_conversation_reference(activity)
        reference.activity_id = None
        reference.conversation.id = reference.conversation.id.partition(THREAD)[0]
        conversation = conversation_of(activity)
        await asyncio.to_thread(
            self.store.save, conversation.id, reference.serialize(), kind=conversation.kind,
            tenant_id=activity.conversation.tenant_id, team_id=conversation.team,
        )

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await self.remember(turn_context)
        inbound = to_inbound(turn_context.activity)
        if inbound is None:
            return
        port = TurnPort(self.port, turn_context)
        if turn_context.activity.delivery_mode == DeliveryModes.expect_replies:
            await self._dispatch(inbound, port)  # the replies travel back in the HTTP response
            return
        await turn_context.send_activity(Activity(type=ActivityTypes.typing))
        task = asyncio.create_task(self._dispatch(inbound, port))
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    async def _dispatch(self, inbound: Inbound, port: TurnPort) -> None:
        try:
            await self.router.dispatch(inbound, port)
        except Exception:
            log.exception("teams turn failed", extra={
                "user": hash_user(self.hash_key, "teams", inbound.user.id), "kind": inbound.kind.value,
            })
            t = translator(self.router.language_for(inbound))
            await port.reply(inbound, Text(t.gettext(APOLOGY)))

    async def drain(self) -> None:
        """Wait for answers still being worked on (tests, shutdown)."""
        while self.pending:
            await asyncio.gather(*list(self.pending), return_exceptions=True)

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        activity = turn_context.activity
        if activity.name != "adaptiveCard/action":
            return InvokeResponse(status=400, body={"error": f"unsupported invoke {activity.name!r}"})
        inbound = to_inbound(activity)
        if inbound is None:
            return InvokeResponse(status=400, body=_error("an Action.Execute with an action is expected"))
        await self.remember(turn_context)
        port = InvokePort(self.port, turn_context, inbound.message_id)
        try:
            await self.router.dispatch(inbound, port)
        except Exception:
            log.exception("teams card action failed", extra={"action": inbound.action})
            return InvokeResponse(status=200, body=sorry(translator(self.router.language_for(inbound)).gettext(APOLOGY)))
        return InvokeResponse(status=200, body=port.response(translator(self.router.language_for(inbound))))

    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        if _has(activity.members_removed, bot_id):
            await asyncio.to_thread(self.store.uninstalled, conversation_of(activity).id)
            return
        await self.remember(turn_context)
        if _has(activity.members_added, bot_id):
            await self.welcome(turn_context)

    async def on_installation_update(self, turn_context: TurnContext) -> None:
        action = turn_context.activity.action or ""
        if action.startswith("remove"):
            await asyncio.to_thread(self.store.uninstalled, conversation_of(turn_context.activity).id)
            return
        await self.remember(turn_context)
        if action.startswith("add"):
            await self.welcome(turn_context)

    async def welcome(self, turn_context: TurnContext) -> None:
        """Post the welcome once per installation (Teams sends both install and member-added)."""
        conversation = conversation_of(turn_context.activity)
        if await asyncio.to_thread(self.store.claim_welcome, conversation.id):
            # in the installer's Teams language where the activity says it, else the default
            t = translator(language_of(turn_context.activity.locale) or self.router.language)
            await self.port.post(conversation, Text(t.gettext(WELCOME)))


def _has(members: list[ChannelAccount] | None, member_id: str | None) -> bool:
    return bool(member_id) and any(m.id == member_id for m in members or [])


def _error(message: str) -> dict[str, Any]:
    return {"statusCode": 400, "type": "application/vnd.microsoft.error",
            "value": {"code": "BadRequest", "message": message}}


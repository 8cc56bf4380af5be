"""Mounts the Teams edge: `POST /api/messages` on the shared aiohttp app, with Bot Framework auth.

The route checks the token and the body itself before handing the activity to botbuilder's
`CloudAdapter` (botbuilder alone answers 500 for a malformed Bearer token). With auth on, a request
without a well-formed `Bearer` JWT answers 401 before its body is read; a body over 2 MB answers 413
without being read whole; one that is not a JSON activity, or nests deeper than 64 levels, 400; a token
that does not verify, 401. 503 only when Microsoft's signing keys cannot be fetched to check a token. With `MicrosoftAppId` and
`MicrosoftAppPassword` empty the bot runs unauthenticated (local development, the Agents Playground)
and says so at start.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity

from bot.settings import Settings
from bot.teams.bot import CxTeamsBot
from bot.teams.port import TeamsPort
from bot.teams.store import ConversationStore
from bot.web.body import MAX_BODY, Refused, load_json, read_capped

if TYPE_CHECKING:
    from bot.app import Services

log = logging.getLogger(__name__)

TEAMS_BOT: web.AppKey[CxTeamsBot] = web.AppKey("teams_bot", CxTeamsBot)


@dataclass(frozen=True)
class BotConfig:
    """The attribute names botbuilder's configuration classes read."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str


def bot_config(settings: Settings) -> BotConfig:
    """botbuilder's configuration from our settings; ValueError names a setting that is missing."""
    config = BotConfig(
        APP_ID=settings.microsoft_app_id.strip(),
        APP_PASSWORD=settings.microsoft_app_password.get_secret_value(),
        APP_TYPE=settings.microsoft_app_type.strip() or "MultiTenant",
        APP_TENANTID=settings.microsoft_app_tenant_id.strip(),
    )
    kind = config.APP_TYPE.lower()
    if kind not in ("multitenant", "singletenant", "userassignedmsi"):
        raise ValueError("MicrosoftAppType must be MultiTenant, SingleTenant or UserAssignedMSI")
    if kind != "multitenant" and not (config.APP_ID and config.APP_TENANTID):
        raise ValueError(f"MicrosoftAppType={config.APP_TYPE} needs MicrosoftAppId and MicrosoftAppTenantId")
    if kind == "singletenant" and not config.APP_PASSWORD:
        raise ValueError("MicrosoftAppType=SingleTenant needs MicrosoftAppPassword")
    return config


_BEARER = re.compile(r"Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]+")
MAX_AUTHORIZATION = 8 * 1024  # aiohttp refuses longer header lines itself


def _segment(part: str) -> Any:
    try:
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (binascii.Error, ValueError, RecursionError):
        return None


def well_formed_bearer(header: str) -> bool:
    """`Bearer <JWT>` whose header and claims decode to JSON objects (the signature is checked later)."""
    match = _BEARER.fullmatch(header) if len(header) <= MAX_AUTHORIZATION else None
    return match is not None and all(isinstance(_segment(part), dict) for part in match.groups())


def parse_activity(raw: bytes) -> Activity | str:
    """The activity in a request body, or why it is not one."""
    try:
        body = load_json(raw)
    except Refused as refused:
        return "body is nested too deeply" if refused.reason == "body_too_deep" else "body is not JSON"
    if not isinstance(body, dict):
        return "body is not an activity object"
    try:
        activity = Activity().deserialize(body)
    except Exception:
        return "body is not a valid activity"
    if not isinstance(activity.type, str) or not activity.type:
        return "activity has no type"
    if not activity.service_url or activity.conversation is None or not activity.conversation.id:
        return "activity has no serviceUrl or conversation id"
    if not isinstance(activity.service_url, str) or not activity.service_url.startswith(("https://", "http://")):
        return "activity serviceUrl is not an http(s) URL"
    if activity.from_property is None or not activity.from_property.id:
        return "activity has no sender"
    if any(not isinstance(e, dict) for e in (body.get("entities") or [])):
        return "activity entities must be objects"
    for field in ("membersAdded", "membersRemoved"):
        members = body.get(field) or []
        if not isinstance(members, list) or any(not isinstance(m, dict) or not m.get("id") for m in members):
            return f"activity {field} must be accounts with ids"
    if activity.recipient is None or not activity.recipient.id:
        return "activity has no recipient"
    ids = [activity.conversation.id, activity.from_property.id, activity.recipient.id]
    if not all(isinstance(i, str) and i.isascii() and i.isprintable() for i in ids):
        return "activity ids must be printable ASCII strings"
    return activity


class MessagesRoute:
    """The `/api/messages` handler."""

    def __init__(self, auth: ConfigurationBotFrameworkAuthentication, adapter: CloudAdapter, bot: CxTeamsBot,
                 auth_required: bool) -> None:
        self.auth = auth
        self.adapter = adapter
        self.bot = bot
        self.auth_required = auth_required

    async def handle(self, request: web.Request) -> web.Response:
        if self.auth_required and not well_formed_bearer(request.headers.get("Authorization", "")):
            log.info("teams request rejected", extra={"reason": "no well-formed Bearer token"})
            return web.json_response({"error": "unauthorized"}, status=401)
        if "application/json" not in request.headers.get("Content-Type", ""):
            return web.json_response({"error": "expected application/json"}, status=415)
        try:
            raw = await read_capped(request, MAX_BODY)
        except Refused as refused:
            log.info("teams request body refused", extra={"reason": refused.reason})
            return refused.answer(web.json_response({"error": refused.reason}, status=refused.status))
        parsed = parse_activity(raw)
        if isinstance(parsed, str):
            return web.json_response({"error": parsed}, status=400)
        try:
            authenticated = await self.auth.authenticate_request(parsed, request.headers.get("Authorization", ""))
        except PermissionError:  # botframework's "unauthorized" (an OSError: keep it first)
            log.info("teams request rejected", extra={"reason": "PermissionError"})
            return web.json_response({"error": "unauthorized"}, status=401)
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:  # requests' errors are OSErrors
            # the token may be fine: Microsoft's signing keys could not be fetched
            log.warning("teams token not verifiable now", extra={"reason": type(exc).__name__})
            return web.json_response({"error": "cannot verify the token right now"}, status=503)
        except Exception as exc:
            log.info("teams request rejected", extra={"reason": type(exc).__name__})
            return web.json_response({"error": "unauthorized"}, status=401)
        invoke = await self.adapter.process_activity(authenticated, parsed, self.bot.on_turn)
        if invoke is not None:
            body: Any = invoke.body
            return web.json_response(body, status=int(invoke.status or 200))
        return web.Response(status=200)


async def _on_error(context: TurnContext, error: Exception) -> None:
    log.error("teams turn failed", exc_info=error, extra={"type": context.activity.type})


def mount(app: web.Application, services: Services) -> bool:
    """Add `POST /api/messages` (Teams is always mountable) and offer the Teams port to features."""
    settings = services.settings
    config = bot_config(settings)
    if not config.APP_ID:
        log.warning(
            "Teams runs UNAUTHENTICATED: MicrosoftAppId/MicrosoftAppPassword are empty; "
            "use this only for local development (Agents Playground, emulator)"
        )
    elif not config.APP_PASSWORD and config.APP_TYPE.lower() == "multitenant":
        log.warning("MicrosoftAppPassword is empty: requests are authenticated but replies cannot get a token")
    auth = ConfigurationBotFrameworkAuthentication(config)
    adapter = CloudAdapter(auth)
    adapter.on_turn_error = _on_error
    store = ConversationStore(services.db)
    port = TeamsPort(adapter, store, config.APP_ID)
    bot = CxTeamsBot(services.router, port, store, settings.hash_key.get_secret_value())
    app[TEAMS_BOT] = bot
    app.router.add_post("/api/messages", MessagesRoute(auth, adapter, bot, bool(config.APP_ID)).handle)
    services.ports["teams"] = port

    async def drain(_app: web.Application) -> None:
        await bot.drain()

    app.on_shutdown.append(drain)
    return True

"""The bolt AsyncApp: every listener acknowledges at once and queues the work for after the ack."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.assistant import build_assistant
from bot.slack.client import BotIdentity
from bot.slack.handlers import SlackHandlers
from bot.slack.translate import CHANNEL_TYPES, is_user_dm
from bot.slack.work_queue import WorkQueue

Payload = dict[str, Any]


def build_bolt_app(client: AsyncWebClient, identity: BotIdentity, signing_secret: str | None,
                   handlers: SlackHandlers, queue: WorkQueue) -> AsyncApp:
    """An AsyncApp with `process_before_response`: the ack is the HTTP response, the work is queued.

    Events API callbacks arrive already acknowledged and dispatched from a queue worker (see
    `SlackRoute`), so their listeners do the work right there; over Socket Mode they queue it.

    Request signatures are checked by `SlackRoute` before bolt sees a request (bolt's own check would
    run after the body is parsed, and again, for queued events, long after arrival).
    """
    app = AsyncApp(
        client=client,
        authorize=identity.authorizer(),
        signing_secret=signing_secret,
        request_verification_enabled=False,  # SlackRoute verifies before parsing; Socket Mode needs none
        process_before_response=True,
        raise_error_for_unhandled_request=False,
    )

    app.assistant(build_assistant(handlers, queue))  # assistant threads first: it answers their messages

    @app.event("app_mention")
    async def on_mention(body: Payload) -> None:
        await queue.run_or_submit(lambda: handlers.event_message(body))

    @app.event("message")
    async def on_message(body: Payload, event: Payload) -> None:
        if is_user_dm(event):
            await queue.run_or_submit(lambda: handlers.event_message(body))
        elif event.get("channel_type") in CHANNEL_TYPES:  # follow-ups, auto-answer, replies to experts
            await queue.run_or_submit(lambda: handlers.channel_message(body))

    @app.event("app_home_opened")
    async def on_home(event: Payload) -> None:
        if event.get("tab", "home") == "home":
            await queue.run_or_submit(lambda: handlers.home(event))

    @app.command(re.compile(r"^/"))
    async def on_command(ack: Any, body: Payload) -> None:
        await ack()
        queue.submit(lambda: handlers.command(body))

    @app.action(re.compile(r".*"))
    async def on_action(ack: Any, body: Payload, action: Payload) -> None:
        await ack()
        queue.submit(lambda: handlers.action(body, action))

    return app

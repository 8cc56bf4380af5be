"""Slack's assistant panel through bolt's `AsyncAssistant` middleware.

- `assistant_thread_started`: suggested prompts (`Services.listening.prompts`: the most-asked questions,
  then the documents of the collections the person may read).
- a person's message in an assistant thread: the status "Looking it up…" (`assistant.threads.setStatus`;
  Slack clears it when the answer is posted), then the usual answer card in the thread, with the
  thread's earlier questions as history, as any DM thread.
- `assistant_thread_context_changed`: nothing to keep. Answers depend on who asks, not on the channel
  they are looking at, so bolt's default (rewriting the thread's first bot message) is replaced.

Like every other event, the work runs on the queue workers after the acknowledgement.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.context.set_status.async_set_status import AsyncSetStatus
from slack_bolt.context.set_suggested_prompts.async_set_suggested_prompts import AsyncSetSuggestedPrompts
from slack_bolt.middleware.assistant.async_assistant import AsyncAssistant

from bot.i18n import N_, translator
from bot.slack.handlers import SlackHandlers
from bot.slack.work_queue import WorkQueue

log = logging.getLogger(__name__)

Payload = dict[str, Any]
STATUS = N_("Looking it up…")


def build_assistant(handlers: SlackHandlers, queue: WorkQueue) -> AsyncAssistant:
    """The assistant middleware: add it with `app.assistant(...)` before the message listeners."""
    assistant = AsyncAssistant(logger=log)

    @assistant.thread_started
    async def started(body: Payload, set_suggested_prompts: AsyncSetSuggestedPrompts) -> None:
        await queue.run_or_submit(lambda: handlers.assistant_started(body, set_suggested_prompts))

    @assistant.thread_context_changed
    async def context_changed(body: Payload) -> None:
        log.debug("assistant context changed", extra={"event_id": body.get("event_id")})

    @assistant.user_message
    async def user_message(body: Payload, set_status: AsyncSetStatus) -> None:
        async def status(language: str) -> Any:
            return await set_status(translator(language).gettext(STATUS))

        await queue.run_or_submit(lambda: handlers.event_message(body, before=status))

    return assistant

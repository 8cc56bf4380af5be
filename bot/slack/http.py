"""The `/slack/events` route: one URL for events, slash commands and interactivity.

Signatures are checked by `slack_sdk.signature.SignatureVerifier` (Slack's v0 scheme, at most five
minutes off) before anything is parsed: missing, malformed, bad or stale ones are answered 401. A body
that is not UTF-8 (the scheme signs text), not JSON or a form, or nested too deeply is answered 400; one over
1 MB is answered 413 without being read whole. Nothing a client sends can make this route answer 5xx.
Events API callbacks need nothing but a 200, so they are acknowledged right here and bolt
dispatches them from the work queue; commands and button clicks go through bolt before the
response, because their acknowledgement is bolt's.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.slack.work_queue import WorkQueue
from bot.web.body import Refused, read_capped, too_deep

log = logging.getLogger(__name__)

MAX_BODY = 1_000_000
PATH = "/slack/events"


_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


def _reject(status: int, reason: str) -> web.Response:
    return web.json_response({"ok": False, "error": reason}, status=status)


_OBJECT_FIELDS = ("event", "user", "view", "container", "channel", "team", "message", "enterprise")


def well_formed(body: dict[str, Any]) -> bool:
    """The fields bolt and our listeners index into have the types Slack sends (else bolt would raise)."""
    if not isinstance(body.get("type", ""), str):
        return False
    if any(body.get(k) is not None and not isinstance(body[k], dict) for k in _OBJECT_FIELDS):
        return False
    actions = body.get("actions", [])
    if not isinstance(actions, list) or not all(isinstance(a, dict) and isinstance(a.get("action_id", ""), str)
                                                for a in actions):
        return False
    if body.get("type") == "event_callback":
        event = body.get("event")
        return isinstance(event, dict) and isinstance(event.get("type"), str) and isinstance(
            body.get("event_id", ""), str)
    return True


class SlackRoute:
    """Verifies, parses, and hands a request to bolt; bolt's response is the acknowledgement."""

    def __init__(self, app: AsyncApp, signing_secret: str, queue: WorkQueue) -> None:
        self.app = app
        self.verifier = SignatureVerifier(signing_secret)
        self.queue = queue

    async def _dispatch_event(self, request: AsyncBoltRequest) -> None:
        response = await self.app.async_dispatch(request)
        if response.status >= 400:
            log.info("slack event not handled", extra={"status": response.status})

    @staticmethod
    def _well_formed(timestamp: str | None, signature: str | None) -> bool:
        """Headers shaped as Slack sends them (the SDK's checks raise on other shapes)."""
        return bool(timestamp and signature and _TIMESTAMP.fullmatch(timestamp) and _SIGNATURE.fullmatch(signature))

    async def handle(self, request: web.Request) -> web.StreamResponse:
        try:
            raw = await read_capped(request, MAX_BODY)
        except Refused as refused:
            log.info("slack request body refused", extra={"reason": refused.reason})
            return refused.answer(_reject(refused.status, refused.reason))
        timestamp = request.headers.get("X-Slack-Request-Timestamp")
        signature = request.headers.get("X-Slack-Signature")
        if not self._well_formed(timestamp, signature):
            return _reject(401, "invalid_signature")
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _reject(400, "body_not_utf8")
        if not self.verifier.is_valid(body, timestamp, signature):
            return _reject(401, "invalid_signature")
        try:
            bolt_request = AsyncBoltRequest(body=body, query=request.query_string, headers=dict(request.headers))
            if not isinstance(bolt_request.body, dict):
                raise ValueError("payload is not an object")
            if too_deep(bolt_request.body):
                return _reject(400, "body_too_deep")
            if not well_formed(bolt_request.body):
                raise ValueError("payload fields of the wrong type")
        except Exception as exc:
            log.info("malformed slack request", extra={"error": type(exc).__name__})
            return _reject(400, "malformed_body")
        if bolt_request.body.get("type") == "event_callback":
            self.queue.submit(lambda: self._dispatch_event(bolt_request))
            return web.Response(status=200)
        try:
            response = await self.app.async_dispatch(bolt_request)
        except Exception:
            log.exception("slack request could not be dispatched")
            return _reject(400, "unprocessable_request")
        if response.status >= 500:
            log.warning("bolt answered a server error; answering 400", extra={"status": response.status})
            return _reject(400, "unprocessable_request")
        return await to_aiohttp_response(response)

"""The `/slack/events` route: one URL for events, slash commands and interactivity.

Bad or stale signatures are answered 401 before anything is parsed; a body that is not valid
UTF-8, JSON or a form is answered 400. Nothing a client sends can make this route answer 5xx.
"""

from __future__ import annotations

import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)

MAX_BODY = 1_000_000
PATH = "/slack/events"


def _reject(status: int, reason: str) -> web.Response:
    return web.json_response({"ok": False, "error": reason}, status=status)


class SlackRoute:
    """Verifies, parses, and hands a request to bolt; bolt's response is the acknowledgement."""

    def __init__(self, app: AsyncApp, signing_secret: str) -> None:
        self.app = app
        self.verifier = SignatureVerifier(signing_secret)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if request.content_length is not None and request.content_length > MAX_BODY:
            return _reject(413, "body_too_large")
        try:
            raw = await request.content.read(MAX_BODY + 1)
        except (ConnectionError, ValueError) as exc:
            log.info("slack request body unreadable", extra={"error": type(exc).__name__})
            return _reject(400, "unreadable_body")
        if len(raw) > MAX_BODY:
            return _reject(413, "body_too_large")
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _reject(400, "body_not_utf8")
        timestamp = request.headers.get("X-Slack-Request-Timestamp")
        signature = request.headers.get("X-Slack-Signature")
        if not self.verifier.is_valid(body=body, timestamp=timestamp, signature=signature):
            return _reject(401, "invalid_signature")
        try:
            bolt_request = AsyncBoltRequest(body=body, query=request.query_string, headers=dict(request.headers))
            if not isinstance(bolt_request.body, dict):
                raise ValueError("payload is not an object")
        except Exception as exc:
            log.info("malformed slack request", extra={"error": type(exc).__name__})
            return _reject(400, "malformed_body")
        try:
            response = await self.app.async_dispatch(bolt_request)
        except Exception:
            log.exception("slack request could not be dispatched")
            return _reject(400, "unprocessable_request")
        if response.status >= 500:
            log.warning("bolt answered a server error; answering 400", extra={"status": response.status})
            return _reject(400, "unprocessable_request")
        return await to_aiohttp_response(response)

"""JSON logs with a request id.

One JSON object per line: time, level, logger, message, the request id of the HTTP request being
served (if any) and any `extra={...}` fields. Message text never goes into INFO logs: callers log
sizes and hashed user ids (`bot.core.privacy.hash_user`), and the access log records method, route,
status and duration only.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from bot.ops import metrics

REQUEST_ID: ContextVar[str] = ContextVar("cxbot_request_id", default="")
HEADER = "X-Request-Id"
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}
access = logging.getLogger("cxbot.access")
ACK_ROUTES = {"/slack/events": "slack", "/api/messages": "teams"}


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON, extra fields included."""

    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        rid = REQUEST_ID.get()
        if rid:
            doc["request_id"] = rid
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                doc[key] = value
        if record.exc_info:
            doc["exc"] = self.formatException(record.exc_info)
        return json.dumps(doc, default=str, ensure_ascii=False)


def configure(level: str = "INFO", json_logs: bool = True) -> None:
    """Send every log record to stderr, as JSON unless `json_logs` is false."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if json_logs else logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "chromadb", "apscheduler", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


def _valid(rid: str) -> bool:
    return 0 < len(rid) <= 128 and all(c.isalnum() or c in "-_.:" for c in rid)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def request_id_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Takes the caller's X-Request-Id (or makes one), logs the request, echoes the id back."""
    given = request.headers.get(HEADER, "")
    rid = given if _valid(given) else uuid.uuid4().hex
    token = REQUEST_ID.set(rid)
    started = time.perf_counter()
    status = 500
    route = request.match_info.route.resource.canonical if request.match_info.route.resource else "unmatched"
    try:
        response = await handler(request)
        status = response.status
        response.headers[HEADER] = rid
        return response
    except web.HTTPException as exc:
        status = exc.status
        exc.headers[HEADER] = rid
        raise
    finally:
        seconds = time.perf_counter() - started
        ms = round(seconds * 1000, 1)
        metrics.HTTP_REQUESTS.labels(route, str(status)).inc()
        if route in ACK_ROUTES and status < 400:  # the edges answer the platform when they have acked
            metrics.ACK_SECONDS.labels(ACK_ROUTES[route]).observe(seconds)
        level = logging.DEBUG if route in ("/healthz", "/readyz", "/metrics") and status < 500 else logging.INFO
        access.log(level, "http request", extra={
            "method": request.method, "route": route, "status": status, "ms": ms,
        })
        REQUEST_ID.reset(token)

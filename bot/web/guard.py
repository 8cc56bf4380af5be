"""The catch-all at the edge: no request, whatever it carries, is answered 500.

Every route of the one aiohttp app goes through `no_server_errors`. aiohttp's own HTTP exceptions
(404, 405, 413 ...) pass unchanged. An exception that client input can cause (undecodable or too
deeply nested data, a broken request body) becomes 400; anything else is a bug or a dependency down,
and is logged with its traceback and answered 503, as is a 5xx a handler returns.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable

import aiohttp
from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestPayloadError

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

CLIENT_ERRORS: tuple[type[BaseException], ...] = (
    RecursionError, UnicodeError, json.JSONDecodeError, HttpProcessingError, RequestPayloadError,
    aiohttp.ClientPayloadError, ConnectionResetError,
)


def _route(request: web.Request) -> str:
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "unmatched"


def unavailable() -> web.Response:
    return web.json_response({"error": "temporarily unavailable, please retry"}, status=503,
                             headers={"Retry-After": "5"})


@web.middleware
async def no_server_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn what escapes a handler into a 4xx for bad input or a logged 503; never a 500."""
    try:
        response = await handler(request)
    except web.HTTPException:
        raise
    except CLIENT_ERRORS as exc:
        log.info("request refused: unreadable input", extra={"route": _route(request), "error": type(exc).__name__})
        refused = web.json_response({"error": "bad request"}, status=400)
        if request.content.exception() is not None:  # a broken body stream: not to be read again or reused
            request.content.feed_eof()
            refused.force_close()
        return refused
    except Exception:
        log.exception("request failed; answering 503", extra={"route": _route(request)})
        return unavailable()
    if response.status >= 500 and response.status != 503 and not response.prepared:
        log.error("handler answered a server error; answering 503",
                  extra={"route": _route(request), "status": response.status})
        return unavailable()
    return response

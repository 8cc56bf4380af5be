"""Request bodies for the platform edges: read under a size cap, parsed JSON under a nesting limit.

A body over the cap is refused from its Content-Length before a byte is read, or as soon as the bytes
read (after any Content-Encoding is undone, so a compressed bomb stops at the cap too) pass it.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestPayloadError

MAX_BODY = 2 * 1024 * 1024  # the app's client_max_size, and the Teams route's cap
MAX_DEPTH = 64  # nesting of JSON arrays and objects; platform payloads stay far below 20
CHUNK = 64 * 1024


class Refused(Exception):
    """A body refused before it is handled: the HTTP status to answer and a short reason."""

    def __init__(self, status: int, reason: str, close: bool = False) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.close = close  # the connection cannot carry another request

    def answer(self, response: web.Response) -> web.Response:
        """`response` (the route's own shape of the refusal), closing the connection if it must be."""
        if self.close:
            response.force_close()
        return response


async def read_capped(request: web.Request, limit: int) -> bytes:
    """The whole body if it has at most `limit` bytes; Refused(413) past that, Refused(400) if unreadable."""
    if request.content_length is not None and request.content_length > limit:
        raise Refused(413, "body_too_large")
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.content.iter_chunked(CHUNK):
            size += len(chunk)
            if size > limit:
                raise Refused(413, "body_too_large")
            chunks.append(chunk)
    except (ConnectionError, ValueError, HttpProcessingError, RequestPayloadError, aiohttp.ClientPayloadError) as exc:
        # The stream is broken (bad compression or framing): mark it finished so aiohttp does not read it
        # again after the answer (it would log the error again), and close the connection after answering.
        request.content.feed_eof()
        raise Refused(400, "unreadable_body", close=True) from exc
    return b"".join(chunks)


def too_deep(doc: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether arrays and objects in a parsed JSON document nest deeper than `limit` (no recursion)."""
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def load_json(raw: bytes | str, limit: int = MAX_DEPTH) -> Any:
    """Parse JSON; Refused(400) when it is not JSON, not decodable or nested deeper than `limit`."""
    try:
        doc = json.loads(raw)
    except RecursionError:
        raise Refused(400, "body_too_deep") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Refused(400, "body_not_json") from None
    if too_deep(doc, limit):
        raise Refused(400, "body_too_deep")
    return doc

"""Hostile request shapes for both edges, shared by the tests, the fuzzers and the benches.

Bodies: deep nesting (5,000 arrays, the shape that once answered 500), nesting just past the limit
inside a real payload, oversized (by Content-Length and chunked), compressed bombs, undecodable
bytes and broken compression. Headers: Authorization values that are not a well-formed Bearer JWT,
and JWTs that are well formed but signed by nobody.
"""

from __future__ import annotations

import base64
import functools
import gzip
import json
import time
from collections.abc import AsyncIterator
from typing import Any

DEEP = 5_000
PAST_LIMIT = 80  # bot.web.body.MAX_DEPTH is 64
APP_ID = "00000000-0000-0000-0000-0000000000a1"  # MicrosoftAppId of the test servers with auth on


def deep_arrays(depth: int = DEEP) -> bytes:
    return b"[" * depth + b"]" * depth


def deep_objects(depth: int = DEEP) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


def nested(depth: int) -> Any:
    doc: Any = "x"
    for _ in range(depth):
        doc = {"v": [doc]}
    return doc


def deep_inside(payload: dict[str, Any], key: str, depth: int = PAST_LIMIT) -> bytes:
    """A real payload with one field nested `depth` levels (objects in arrays)."""
    return json.dumps({**payload, key: nested(depth // 2)}).encode()


@functools.lru_cache(maxsize=4)
def oversized(size: int) -> bytes:
    """A JSON object of `size` bytes."""
    pad = size - len(b'{"type":"message","pad":""}')
    return b'{"type":"message","pad":"' + b"x" * max(pad, 0) + b'"}'


async def chunked(body: bytes, chunk: int = 256 * 1024) -> AsyncIterator[bytes]:
    """The body as a chunked upload (no Content-Length): only a streamed cap can stop it."""
    for start in range(0, len(body), chunk):
        yield body[start:start + chunk]


@functools.lru_cache(maxsize=8)
def gzip_bomb(size: int = 64 * 1024 * 1024) -> bytes:
    """`size` bytes of a JSON string gzipped to a few dozen KB (send with Content-Encoding: gzip)."""
    return gzip.compress(b'{"pad":"' + b"0" * size + b'"}', compresslevel=9)


BROKEN_GZIP = b"\x1f\x8b\x08\x00" + b"this is not deflate data" * 4
UNDECODABLE = [b"\xff\xfe\xfd garbage", b"\x80" * 64, "{\"text\": \"\udcff\"}".encode("utf-8", "surrogatepass"),
               b"\x00\x00\x00", b'{"type": "message", "text": "\xc3\x28"}']


def _part(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def forged_jwt(issuer: str = "https://forged.example", audience: str = APP_ID) -> str:
    """A JWT of the right shape, signed by nobody (the signature is junk)."""
    claims = {"iss": issuer, "aud": audience, "exp": int(time.time()) + 600, "nbf": int(time.time()) - 60}
    return _part({"alg": "RS256", "typ": "JWT", "kid": "forged"}) + "." + _part(claims) + ".c2lnbmF0dXJl"


BAD_AUTHORIZATION = [
    None, "", "Bearer", "Bearer ", "bearer " + forged_jwt(), "Basic dXNlcjpwYXNz", "Bearer not-a-jwt", "Bearer a.b.c",
    "Bearer ..", "Bearer " + "A" * 6000 + ".e30.x", "Bearer e30.e30", "Bearer W10.W10.x", "Bearer " + forged_jwt() + " x",
    "Bearer\t" + forged_jwt(), "Token " + forged_jwt(), "Bearer " + "ä" * 10,
]

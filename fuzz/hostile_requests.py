"""Requests as the HTTP fuzzers send them, and the hostile shapes mixed into every HTTP edge.

A `Req` is a body plus how to send it: Slack signing (`sign`: signed, unsigned, garbage, stale or
with the wrong secret), extra headers (Authorization, Content-Encoding) and whether to stream it
chunked. About one input in twenty on every HTTP edge (hypothesis draws the branch) is a hostile shape from `testkit.hostile`: deep nesting,
oversized (declared, chunked, compressed), undecodable bytes or broken compression.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

from hypothesis import strategies as st

from testkit import hostile

SIGN_MODES = ("signed", "unsigned", "garbage", "stale", "wrong-secret")


@dataclass(frozen=True)
class Req:
    body: bytes
    sign: str = "signed"
    headers: tuple[tuple[str, str], ...] = ()
    stream: bool = False
    shape: str = ""  # which hostile shape, if any

    def but(self, **changes: Any) -> Req:
        return replace(self, **changes)

    def describe(self) -> str:
        how = f"{self.shape} {self.sign}{' chunked' if self.stream else ''} {dict(self.headers)!r}"[:200]
        return f"{how} {self.body[:120]!r} ({len(self.body)} bytes)"


def slack_auth(req: Req, secret: str) -> dict[str, str]:
    """The signature headers for a Slack request in `req.sign` mode."""
    from testkit.slack_signing import slack_headers

    if req.sign == "signed":
        return slack_headers(req.body, secret)
    if req.sign == "stale":
        return slack_headers(req.body, secret, ts=int(time.time()) - 3600)
    if req.sign == "wrong-secret":
        return slack_headers(req.body, "not-" + secret)
    if req.sign == "garbage":
        return {"X-Slack-Request-Timestamp": "١٢٣", "X-Slack-Signature": "v0=" + "z" * 64}
    return {}


def hostile_bodies(real: list[dict[str, Any]], cap: int, key: str) -> st.SearchStrategy[Req]:
    """Hostile bodies, signed or not, for an edge whose real payloads are `real` and whose cap is `cap` bytes.

    Each shape varies (depth, size, bytes), so hypothesis keeps finding new ones instead of running
    out of distinct inputs after a few dozen.
    """
    gz = (("Content-Encoding", "gzip"),)
    depth = st.integers(hostile.PAST_LIMIT - 15, hostile.DEEP + 1_000)
    deep = depth.map(hostile.deep_arrays) | depth.map(hostile.deep_objects)
    if real:
        deep |= st.tuples(st.sampled_from(real), st.integers(hostile.PAST_LIMIT - 14, 400)).map(
            lambda t: hostile.deep_inside(t[0], key, t[1]))
    undecodable = st.binary(min_size=1, max_size=300).map(lambda b: b"\xff" + b) | st.sampled_from(hostile.UNDECODABLE)
    oversized = st.tuples(st.integers(cap + 1, 2 * cap).map(hostile.oversized), st.booleans()).map(
        lambda t: Req(t[0], stream=t[1], shape="oversized-chunked" if t[1] else "oversized"))
    bombs = st.sampled_from(BOMB_MB).map(lambda mb: Req(hostile.gzip_bomb(mb * 1024 * 1024), headers=gz, shape="gzip-bomb"))
    broken = st.binary(min_size=1, max_size=100).map(
        lambda b: Req(hostile.BROKEN_GZIP[:4] + b, headers=gz, shape="broken-gzip"))
    bodies = (deep.map(lambda b: Req(b, shape="deep")) | undecodable.map(lambda b: Req(b, shape="undecodable"))
              | oversized | bombs | broken)
    return st.tuples(bodies, st.sampled_from(("signed", "unsigned"))).map(lambda t: t[0].but(sign=t[1]))


BOMB_MB = (4, 8, 16, 24, 32, 48, 64)


def form_bodies(real: dict[str, Any], cap: int) -> st.SearchStrategy[Req]:
    """Hostile Slack form bodies: a `payload` field that nests too deeply, and the shared shapes."""
    import urllib.parse

    deep = st.integers(hostile.PAST_LIMIT - 14, 400).map(
        lambda d: ("payload=" + urllib.parse.quote(hostile.deep_inside(real, "state", d).decode())).encode())
    return (st.tuples(deep, st.sampled_from(("signed", "unsigned"))).map(lambda t: Req(*t, shape="deep"))
            | hostile_bodies([], cap, "state"))


def with_hostile(normal: st.SearchStrategy[Req], hostile_reqs: st.SearchStrategy[Req]) -> st.SearchStrategy[Req]:
    """Draws from `hostile_reqs` on one branch in ten (hypothesis takes it about one time in twenty)."""
    return st.integers(0, 9).flatmap(lambda i: hostile_reqs if i == 0 else normal)


def teams_auth(activities: st.SearchStrategy[Req]) -> st.SearchStrategy[Req]:
    """Teams requests for a server with auth on: every Authorization shape on `activities` (hostile ones too).

    Forged tokens are well formed, so their bodies are parsed (and refused when hostile) before the
    token is found not to verify. Their issuer is not Microsoft's: with an allowed issuer botbuilder
    fetches Microsoft's signing keys, which this machine cannot reach (that case answers 503, see
    tests/teams/test_teams_http.py).
    """
    forged = st.sampled_from(["Bearer " + hostile.forged_jwt(), "Bearer " + hostile.forged_jwt(audience="someone-else")])
    auths = st.sampled_from(hostile.BAD_AUTHORIZATION) | forged  # half of the inputs get past the pre-check
    return st.tuples(activities, auths).map(lambda t: t[0].but(
        sign="unsigned", headers=t[0].headers + ((("Authorization", t[1]),) if t[1] is not None else ())))

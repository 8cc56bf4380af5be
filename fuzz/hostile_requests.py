"""Requests as the HTTP fuzzers send them, and the hostile shapes mixed into every HTTP edge.

A `Req` is a body plus how to send it: Slack signing (`sign`: signed, unsigned, garbage, stale or
with the wrong secret), extra headers (Authorization, Content-Encoding) and whether to stream it
chunked. One input in ten on every HTTP edge is a hostile shape from `testkit.hostile`: deep nesting,
oversized (declared, chunked, compressed), undecodable bytes or broken compression.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
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

    def describe(self) -> str:
        how = f"{self.sign}{' chunked' if self.stream else ''} {dict(self.headers)!r}"[:200]
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


def shapes(real: list[dict[str, Any]], big: int, key: str) -> list[Req]:
    """Every hostile body for an edge whose real payloads are `real` and whose cap is below `big` bytes."""
    gz = (("Content-Encoding", "gzip"),)
    bodies = [Req(hostile.deep_arrays()), Req(hostile.deep_objects()), Req(hostile.deep_arrays(1_000)),
              *(Req(hostile.deep_inside(p, key)) for p in real),
              Req(hostile.oversized(big)), Req(hostile.oversized(big), stream=True),
              Req(hostile.gzip_bomb(16 * 1024 * 1024), headers=gz), Req(hostile.BROKEN_GZIP, headers=gz),
              *(Req(b) for b in hostile.UNDECODABLE)]
    return [Req(r.body, mode, r.headers, r.stream) for r in bodies for mode in ("signed", "unsigned")]


def form_shapes(real: dict[str, Any], big: int) -> list[Req]:
    """Hostile Slack form bodies: a `payload` field that nests too deeply, and the shared shapes."""
    import urllib.parse

    deep = ("payload=" + urllib.parse.quote(hostile.deep_inside(real, "state").decode())).encode()
    return [Req(deep, "signed"), Req(deep, "unsigned"), *shapes([], big, "state")]


def with_hostile(normal: st.SearchStrategy[Req], hostile_reqs: list[Req]) -> st.SearchStrategy[Req]:
    """One input in ten drawn from `hostile_reqs`."""
    return st.integers(0, 9).flatmap(lambda i: st.sampled_from(hostile_reqs) if i == 0 else normal)


def teams_auth(activities: st.SearchStrategy[Req]) -> st.SearchStrategy[Req]:
    """Teams requests for a server with auth on: every Authorization shape on `activities` (hostile ones too).

    Forged tokens are well formed, so their bodies are parsed (and refused when hostile) before the
    token is found not to verify. Their issuer is not Microsoft's: with an allowed issuer botbuilder
    fetches Microsoft's signing keys, which this machine cannot reach (that case answers 503, see
    tests/teams/test_teams_http.py).
    """
    forged = st.sampled_from(["Bearer " + hostile.forged_jwt(), "Bearer " + hostile.forged_jwt(audience="someone-else")])
    auths = st.sampled_from(hostile.BAD_AUTHORIZATION) | forged  # half of the inputs get past the pre-check
    return st.tuples(activities, auths).map(lambda t: Req(
        t[0].body, "unsigned", t[0].headers + ((("Authorization", t[1]),) if t[1] is not None else ()), t[0].stream))

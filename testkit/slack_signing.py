"""Slack request signing for tests, benches and fuzzers: the one place that makes signed headers.

Signatures come from `slack_sdk.signature.SignatureVerifier`, the implementation the product checks
them with. Only a body that is not UTF-8 (which the SDK cannot sign) is signed here over its raw
bytes, so tests can show that such a body is refused after a valid signature.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from slack_sdk.signature import SignatureVerifier

TIMESTAMP = "X-Slack-Request-Timestamp"
SIGNATURE = "X-Slack-Signature"


def signature(body: str | bytes, secret: str, timestamp: str) -> str:
    """Slack's `v0=` signature of `body` sent at `timestamp` (seconds, as text)."""
    try:
        sig = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    except UnicodeDecodeError:
        raw = body if isinstance(body, bytes) else body.encode()
        return "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
    assert sig is not None
    return sig


def slack_headers(body: str | bytes, secret: str, *, ts: int | str | None = None) -> dict[str, str]:
    """The two headers Slack adds to a request: its timestamp (now unless given) and signature."""
    stamp = str(int(time.time()) if ts is None else ts)
    return {TIMESTAMP: stamp, SIGNATURE: signature(body, secret, stamp)}

"""What checking a Slack signature costs on the acknowledgement path: hand-written HMAC vs the SDK.

    .venv/bin/python bench/slack_signing.py [--repeat 7]

`before` is the check `bot/slack/http.py` made by hand until it used the SDK (HMAC over the raw
bytes); `after` is what it does now: header shapes, UTF-8 decode, then
`slack_sdk.signature.SignatureVerifier.is_valid` (which signs the decoded text again). Bodies: the
recorded `app_mention` event, a 40 KB and a 1 MB (the route's cap) event. Prints the best of
`--repeat` runs in microseconds per request: the best run is the least disturbed on a shared machine.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import hmac
import json
import re
import time
import timeit

from slack_harness import FIXTURES, signed
from slack_sdk.signature import SignatureVerifier

SECRET = "bench-signing-secret"
TS = re.compile(r"[0-9]{1,12}")
SIG = re.compile(r"v0=[0-9a-f]{64}")


def before(raw: bytes, timestamp: str, signature: str) -> bool:
    """The removed hand-written check (the baseline)."""
    if not timestamp.isascii() or not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 300:
        return False
    expected = "v0=" + hmac.new(SECRET.encode(), b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode())


VERIFIER = SignatureVerifier(SECRET)


def after(raw: bytes, timestamp: str, signature: str) -> bool:
    """The route's check now (`SlackRoute.handle`): shapes, decode, SDK."""
    if not (TS.fullmatch(timestamp) and SIG.fullmatch(signature)):
        return False
    return VERIFIER.is_valid(raw.decode("utf-8"), timestamp, signature)


def bodies() -> dict[str, bytes]:
    event = json.loads((FIXTURES / "events_app_mention.json").read_text())
    out = {"app_mention": json.dumps(event).encode()}
    for name, size in (("40 KB", 40_000), ("1 MB", 999_000)):
        event["event"]["text"] = "x" * (size - len(out["app_mention"]))
        out[name] = json.dumps(event).encode()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    print(f"{'body':12s} {'bytes':>9s} {'before µs':>10s} {'after µs':>10s} {'extra µs':>9s}")
    for name, raw in bodies().items():
        headers = signed(raw)
        ts, sig = headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]
        assert before(raw, ts, sig) and after(raw, ts, sig)
        number = 20_000 if len(raw) < 10_000 else 2_000 if len(raw) < 100_000 else 100
        best = {}
        for label, fn in (("before", before), ("after", after)):
            runs = timeit.repeat(functools.partial(fn, raw, ts, sig), number=number, repeat=args.repeat)
            best[label] = min(runs) / number * 1e6
        print(f"{name:12s} {len(raw):9d} {best['before']:10.1f} {best['after']:10.1f} "
              f"{best['after'] - best['before']:9.1f}")


if __name__ == "__main__":
    main()

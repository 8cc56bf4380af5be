"""Chroma's HTTP client waits forever by default; a replica must notice a dead server in seconds."""

from __future__ import annotations

from typing import Any

import httpx

CONNECT_TIMEOUT = 1.0


def fail_fast(client: Any, timeout: float) -> Any:
    """Give the client's HTTP session a 1 s connect timeout and `timeout` s for everything else.

    With the server gone an ask fails at once (connection refused) or after the connect timeout, and
    the ask feature replies "knowledge temporarily unavailable"; the pool reconnects when it returns.
    """
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(timeout, connect=min(CONNECT_TIMEOUT, timeout))
    return client

"""One HTTP session per source sync: timeouts, and throttling survived.

429 and 503 answers are retried after the `Retry-After` the service asked for (capped), other
gateway errors and dropped connections after an exponential backoff; urllib3's `Retry` does the
waiting. What is still failing after the retries comes back to the caller as the last response.
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

log = logging.getLogger(__name__)

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
MAX_WAIT = 120.0  # seconds: a longer Retry-After is cut to this
TIMEOUT = (10.0, 60.0)  # connect, read


class PoliteRetry(Retry):
    """urllib3's retry, with `Retry-After` capped at `MAX_WAIT` and every throttled answer logged."""

    max_wait = MAX_WAIT

    def get_retry_after(self, response: Any) -> float | None:
        after = super().get_retry_after(response)
        return None if after is None else min(after, self.max_wait)

    def increment(  # type: ignore[override]
        self, method: str | None = None, url: str | None = None, response: Any = None, *args: Any, **kw: Any,
    ) -> Retry:
        if response is not None and response.status in (429, 503):
            log.info("throttled, waiting", extra={"status": response.status, "url": (url or "")[:200],
                                                  "retry_after": response.headers.get("Retry-After")})
        return super().increment(method, url, response, *args, **kw)


class TimeoutSession(requests.Session):
    """A session whose requests time out unless told otherwise."""

    def request(self, method: str, url: Any, *args: Any, **kw: Any) -> requests.Response:
        kw.setdefault("timeout", TIMEOUT)
        return super().request(method, url, *args, **kw)


def session(user_agent: str = "cxbot-sources/1.0", retries: int = 6, backoff: float = 0.5) -> requests.Session:
    """A session that waits out throttling (429/503 with `Retry-After`) and transient failures."""
    retry = PoliteRetry(
        total=retries + 3, status=retries, connect=3, read=2, other=0, allowed_methods=None,
        status_forcelist=RETRY_STATUS, backoff_factor=backoff, backoff_max=10,
        respect_retry_after_header=True, raise_on_status=False, raise_on_redirect=False,
    )
    s = TimeoutSession()
    adapter = HTTPAdapter(max_retries=retry, pool_maxsize=8)
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    s.headers["User-Agent"] = user_agent
    return s


def describe(exc: BaseException) -> str:
    """A short reason for a failed request, without the noise of urllib3's nesting."""
    text = str(exc)
    for marker in ("Caused by ", "Failed to establish a new connection: "):
        if marker in text:
            text = text.split(marker, 1)[1]
    return f"{type(exc).__name__}: {text.strip('()')[:200]}"

"""Microsoft Graph over plain REST: an app-only token from msal (client credentials), JSON pages
followed through `@odata.nextLink`, throttling waited out by the session, Graph's error bodies read."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import requests

from bot.sources import http
from bot.sources.model import AuthError, DocError, SourceError


class GraphError(SourceError):
    def __init__(self, status: int, code: str, message: str, location: str = "") -> None:
        super().__init__(f"Graph answered {status} {code}: {message}".strip())
        self.status, self.code, self.location = status, code, location


class Graph:
    """One tenant's Graph for one sync."""

    def __init__(self, tenant: str, client_id: str, secret: str, authority: str, base: str) -> None:
        import msal

        self.base = base.rstrip("/")
        root = urlsplit(self.base)
        self.scope = f"{root.scheme}://{root.netloc}/.default"
        self.session = http.session()
        try:
            self.app = msal.ConfidentialClientApplication(
                client_id, client_credential=secret, authority=f"{authority.rstrip('/')}/{tenant}",
                http_client=self.session, instance_discovery=False,
            )
        except (ValueError, requests.RequestException) as exc:
            raise SourceError(f"the sign-in authority {authority} cannot be used: {http.describe(exc)}") from None
        self.calls = 0

    def token(self, fresh: bool = False) -> str:
        if fresh:
            self.app.remove_tokens_for_client()
        try:
            got = self.app.acquire_token_for_client(scopes=[self.scope])
        except (ValueError, requests.RequestException) as exc:
            raise SourceError(f"token request failed: {http.describe(exc)}") from None
        if "access_token" not in got:
            description = str(got.get("error_description", "")).splitlines()[0][:200]
            raise AuthError(f"the app's sign-in was refused ({got.get('error', 'error')}: {description})")
        return str(got["access_token"])

    def get(self, url: str, params: dict[str, Any] | None = None, *, raw: bool = False) -> Any:
        """GET a Graph path or link; JSON (or the response when `raw`). A 401 is retried once with a new token."""
        full = url if url.startswith("https://") or url.startswith("http://") else self.base + url
        for attempt in (0, 1):
            try:
                resp = self.session.get(full, params=params,
                                        headers={"Authorization": f"Bearer {self.token(fresh=attempt == 1)}"})
            except requests.RequestException as exc:
                raise SourceError(f"Graph not reachable: {http.describe(exc)}") from None
            self.calls += 1
            if resp.status_code != 401:
                break
        if resp.status_code >= 400:
            raise _error(resp)
        return resp if raw else resp.json()

    def pages(self, url: str, params: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Each JSON page of a collection, following `@odata.nextLink`."""
        got = self.get(url, params)
        while True:
            yield got
            nxt = got.get("@odata.nextLink")
            if not nxt:
                return
            got = self.get(str(nxt))

    def download(self, url: str) -> bytes:
        """A file's bytes (`/content` answers with a redirect to a pre-authenticated URL)."""
        try:
            return bytes(self.get(url, raw=True).content)
        except GraphError as exc:
            raise DocError(str(exc), transient=exc.status >= 500 or exc.status == 429) from None

    def close(self) -> None:
        self.session.close()


def _error(resp: requests.Response) -> SourceError:
    """Graph's error body (`{"error": {"code", "message"}}`) as an exception: 401/403 are `AuthError`."""
    try:
        body = resp.json().get("error", {})
    except (ValueError, AttributeError):
        body = {}
    if not isinstance(body, dict):
        body = {}
    code, message = str(body.get("code", "")), str(body.get("message", resp.reason))[:300]
    if resp.status_code in (401, 403):
        return AuthError(f"Graph answered {resp.status_code} {code}: {message}")
    return GraphError(resp.status_code, code, message, resp.headers.get("Location", ""))

"""`confluence` sources: the current pages (and their attachments) of some spaces.

Cloud lists pages with the v2 API (`/api/v2/spaces/{id}/pages`, cursor pages of 250, status
`current` only, so archived and trashed pages leave the index) and reads changed pages' storage-format
bodies 250 at a time (`/api/v2/pages?id=...`). Data Center lists with v1 (`/rest/api/content`) and
reads each changed page (`/rest/api/content/{id}?expand=body.storage`). Labels and attachments are
found with CQL (`/rest/api/content/search`), which both offer. A page's version is its version number.
HTTP, authentication (an e-mail and API token for Cloud, a personal access token for Data Center) and
error bodies go through atlassian-python-api's clients on our retrying session.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urljoin, urlsplit

from requests import HTTPError, RequestException

from bot.ingest.loaders import SUPPORTED
from bot.sources import http
from bot.sources.kinds import ConfluenceSettings
from bot.sources.model import AuthError, DocError, Fetched, Listing, Ref, SourceError
from bot.sources.storage import storage_to_html

BULK = 250


def _reason(exc: HTTPError) -> str:
    """The message of a Confluence error body (v2 `errors[]`, v1 `message`), else the status text."""
    try:
        body = exc.response.json() if exc.response is not None else {}
    except ValueError:
        body = {}
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            first = errors[0]
            return " ".join(str(first.get(k) or "") for k in ("title", "detail")).strip()[:300]
        if body.get("message"):
            return str(body["message"])[:300]
    return exc.response.reason if exc.response is not None else str(exc)[:300]


class ConfluenceSource:
    def __init__(self, name: str, settings: ConfluenceSettings, token: str) -> None:
        from atlassian.confluence import ConfluenceCloud, ConfluenceServer

        self.name = name
        self.settings = settings
        self.base = settings.url.rstrip("/")
        self.session = http.session()
        self.client: Any
        if settings.cloud:
            if not settings.email:
                raise AuthError(f"source {name!r}: Confluence Cloud needs `email` (the API token's account)")
            self.client = ConfluenceCloud(  # type: ignore[no-untyped-call]
                url=self.base, username=settings.email, password=token, session=self.session)
        else:
            self.client = ConfluenceServer(url=self.base, token=token, session=self.session)  # type: ignore[no-untyped-call]
        self._bodies: dict[str, Fetched] = {}
        self._pages: dict[str, dict[str, Any]] = {}
        self._files: dict[str, str] = {}  # attachment ref id -> download URL

    # --- HTTP
    def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        absolute = path.startswith("http")
        try:
            return self.client.get(path, params=params, absolute=absolute)
        except HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else 0
            reason = _reason(exc)
            if status in (401, 403):
                raise AuthError(f"Confluence answered {status} ({reason})") from None
            raise SourceError(f"Confluence answered {status} for {path.split('?')[0]}: {reason}") from None
        except RequestException as exc:
            raise SourceError(f"Confluence not reachable: {http.describe(exc)}") from None

    def _next(self, link: str) -> str:
        """`_links.next`: v2 links are relative to the host (with the context path), v1 links to the base."""
        context = urlsplit(self.base).path.rstrip("/")
        if context and link.startswith(context + "/"):
            return urljoin(self.base + "/", link)
        return self.base + link

    def _paged(self, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        got = self._get(path, params)
        while True:
            if not isinstance(got, dict) or not isinstance(got.get("results"), list):
                raise SourceError(f"Confluence answered {path.split('?')[0]} with no results list")
            out.extend(got["results"])
            nxt = (got.get("_links") or {}).get("next")
            if not nxt:
                return out
            got = self._get(self._next(str(nxt)))

    # --- listing
    def listing(self, cursor: dict[str, Any]) -> Listing:
        refs: list[Ref] = []
        skipped: list[tuple[str, str]] = []
        for key in self.settings.spaces:
            pages = self._space_pages(key)
            for page in pages:
                pid = str(page["id"])
                self._pages[pid] = page
                refs.append(Ref(f"page/{pid}", str(page["version"]["number"]), title=str(page["title"]),
                                url=self.base + str(page["_links"]["webui"]), path=f"{key}/{page['title']}"))
            if self.settings.attachments:
                ids = {str(p["id"]) for p in pages}
                refs += self._attachments(key, ids, skipped)
        return Listing(refs, skipped=skipped, cursor={})

    def _cql(self, key: str, kind: str, expand: str) -> list[dict[str, Any]]:
        cql = f'space = "{key}" and type = {kind}'
        if self.settings.labels:
            cql += " and label in (" + ", ".join(f'"{label}"' for label in self.settings.labels) + ")"
        return self._paged("rest/api/content/search", {"cql": cql, "expand": expand, "limit": 100})

    def _space_pages(self, key: str) -> list[dict[str, Any]]:
        if self.settings.labels:
            return self._cql(key, "page", "version")
        if not self.settings.cloud:
            return self._paged("rest/api/content", {"spaceKey": key, "type": "page", "status": "current",
                                                    "expand": "version", "limit": 100})
        spaces = self._get("api/v2/spaces", {"keys": key})
        found = [s for s in (spaces or {}).get("results", []) if s.get("key") == key]
        if not found:
            raise SourceError(f"space {key!r} not found, or not visible to {self.settings.email}")
        return self._paged(f"api/v2/spaces/{found[0]['id']}/pages", {"status": "current", "limit": BULK})

    def _attachments(self, key: str, pages: set[str], skipped: list[tuple[str, str]]) -> list[Ref]:
        refs = []
        for att in self._cql(key, "attachment", "version,container"):
            container = str((att.get("container") or {}).get("id", ""))
            title = str(att["title"])
            if container not in pages:
                continue
            if PurePosixPath(title).suffix.lower() not in SUPPORTED:
                skipped.append((f"{key}/{title}", f"unsupported file type {PurePosixPath(title).suffix or '(none)'}"))
                continue
            rid = f"attachment/{att['id']}"
            links = att.get("_links") or {}
            self._files[rid] = self.base + str(links.get("download", ""))
            refs.append(Ref(rid, str(att["version"]["number"]), title=title,
                            url=self.base + str(links.get("webui", links.get("download", ""))), path=f"{key}/{title}"))
        return refs

    # --- content
    def prefetch(self, refs: list[Ref]) -> None:
        """Cloud: read the changed pages' bodies 250 at a time."""
        if not self.settings.cloud:
            return
        ids = [r.id.split("/", 1)[1] for r in refs if r.id.startswith("page/") and r.id not in self._bodies]
        for i in range(0, len(ids), BULK):
            part = ids[i : i + BULK]
            for page in self._paged("api/v2/pages", {"id": ",".join(part), "body-format": "storage",
                                                     "status": "current", "limit": BULK}):
                self._keep(page)

    def _keep(self, page: dict[str, Any]) -> None:
        storage = ((page.get("body") or {}).get("storage") or {}).get("value", "")
        html = storage_to_html(str(page.get("title", "")), str(storage))
        self._bodies[f"page/{page['id']}"] = Fetched("page.html", html.encode("utf-8"))

    def fetch(self, ref: Ref) -> Fetched:
        kind, _, cid = ref.id.partition("/")
        if kind == "attachment":
            return self._download(ref)
        if ref.id not in self._bodies:
            if self.settings.cloud:
                self.prefetch([ref])
            else:
                try:
                    self._keep(self._get(f"rest/api/content/{cid}", {"expand": "body.storage,version"}))
                except SourceError as exc:
                    if "answered 404" in str(exc):
                        raise DocError("deleted since it was listed") from None
                    raise
        got = self._bodies.pop(ref.id, None)
        if got is None:
            raise DocError("deleted or archived since it was listed")
        return got

    def _download(self, ref: Ref) -> Fetched:
        url = self._files.get(ref.id, "")
        try:
            raw = self.client.get(url, absolute=True, not_json_response=True)
        except HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else 0
            if status in (401, 403):
                raise AuthError(f"Confluence answered {status} for an attachment download") from None
            raise DocError(f"download answered {status}", transient=status >= 500 or status == 429) from None
        except RequestException as exc:
            raise DocError(f"download failed: {http.describe(exc)}", transient=True) from None
        return Fetched(ref.title or "attachment", bytes(raw or b""))

    def close(self) -> None:
        self.session.close()

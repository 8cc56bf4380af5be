"""A fake Confluence on loopback that speaks the documented REST APIs (Cloud v2 and v1, Data Center v1).

- Cloud: `{ctx}/api/v2/spaces?keys=`, `/spaces/{id}/pages` and `/pages?id=` with cursor pagination
  (`_links.next` relative to the host, and a `Link: <...>; rel="next"` header), page versions and
  storage-format bodies (`body-format=storage`); statuses `current` and `archived` by default, as
  documented; Basic auth with an e-mail and an API token.
- v1 (Cloud and Data Center): `{ctx}/rest/api/content` (offset pagination, `_links.next` relative to
  `_links.base`), `/content/{id}?expand=body.storage,version`, `/content/search?cql=` for the CQL the
  sync sends (space, type page/attachment, labels); Data Center takes a personal access token (Bearer).
- Attachments download from `{ctx}/download/attachments/{page}/{file}?version=N`.
- Error bodies as each API documents them (v2 `{"errors": [...]}`, v1 `{"statusCode", "message"}`);
  throttling on demand (`throttle_every`: every Nth call answered 429 with `Retry-After`).

Every call is recorded in `calls` (path, status).
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, quote_plus

from aiohttp import web

from testkit.loopback import serving

CQL = re.compile(r'^space\s*=\s*"(?P<space>[^"]+)"\s+and\s+type\s*=\s*(?P<type>page|attachment)'
                 r'(?:\s+and\s+label\s+in\s+\((?P<labels>[^)]*)\))?\s*$', re.I)


@dataclass
class Attachment:
    id: str
    page_id: str
    title: str
    media_type: str
    data: bytes
    version: int = 1
    status: str = "current"


@dataclass
class Page:
    id: str
    space: str
    title: str
    body: str
    version: int = 1
    status: str = "current"
    labels: set[str] = field(default_factory=set)


@dataclass
class FakeConfluence:
    deployment: str = "cloud"  # or "datacenter"
    context: str = "/wiki"
    email: str = "bot@example.com"
    token: str = "secret-token"
    throttle_every: int = 0
    retry_after: str = "1"
    max_limit: int = 250  # the most results a page holds, whatever the client asks (v1: at most 100)
    spaces: dict[str, str] = field(default_factory=dict)  # key -> id
    pages: dict[str, Page] = field(default_factory=dict)
    attachments: dict[str, Attachment] = field(default_factory=dict)
    calls: list[tuple[str, int]] = field(default_factory=list)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(100001))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- the content, as a test changes it
    def space(self, key: str) -> str:
        return self.spaces.setdefault(key, str(90000 + len(self.spaces)))

    def add_page(self, space: str, title: str, body: str, labels: tuple[str, ...] = ()) -> Page:
        self.space(space)
        page = Page(str(next(self._ids)), space, title, body, labels=set(labels))
        self.pages[page.id] = page
        return page

    def edit(self, page_id: str, body: str, title: str | None = None) -> None:
        page = self.pages[page_id]
        page.body, page.version = body, page.version + 1
        page.title = title or page.title

    def attach(self, page_id: str, title: str, media_type: str, data: bytes) -> Attachment:
        att = Attachment(f"att{next(self._ids)}", page_id, title, media_type, data)
        self.attachments[att.id] = att
        return att

    # --- shapes
    def _base(self, request: web.Request) -> str:
        return f"http://{request.host}{self.context}"

    def _webui(self, page: Page) -> str:
        if self.deployment == "cloud":
            return f"/spaces/{page.space}/pages/{page.id}/{quote_plus(page.title)}"
        return f"/display/{page.space}/{quote_plus(page.title)}"

    def _v2_page(self, page: Page, body: bool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": page.id, "status": page.status, "title": page.title, "spaceId": self.spaces[page.space],
            "parentId": None, "parentType": None, "authorId": "557058:author", "createdAt": "2026-01-05T09:00:00.000Z",
            "version": {"number": page.version, "message": "", "minorEdit": False, "authorId": "557058:author",
                        "createdAt": "2026-01-05T09:00:00.000Z"},
            "_links": {"webui": self._webui(page), "editui": f"/pages/resumedraft.action?draftId={page.id}",
                       "tinyui": f"/x/{page.id}"},
        }
        if body:
            out["body"] = {"storage": {"representation": "storage", "value": page.body}}
        return out

    def _v1_page(self, page: Page, expand: str, base: str) -> dict[str, Any]:
        out: dict[str, Any] = {"id": page.id, "type": "page", "status": page.status, "title": page.title,
                               "_links": {"webui": self._webui(page), "self": f"{base}/rest/api/content/{page.id}"}}
        if "version" in expand:
            out["version"] = {"number": page.version, "when": "2026-01-05T09:00:00.000Z", "minorEdit": False}
        if "body.storage" in expand:
            out["body"] = {"storage": {"value": page.body, "representation": "storage"}}
        return out

    def _v1_attachment(self, att: Attachment, expand: str, base: str) -> dict[str, Any]:
        page = self.pages[att.page_id]
        out: dict[str, Any] = {
            "id": att.id, "type": "attachment", "status": att.status, "title": att.title,
            "metadata": {"mediaType": att.media_type}, "extensions": {"mediaType": att.media_type,
                                                                     "fileSize": len(att.data)},
            "_links": {"webui": f"/pages/viewpageattachments.action?pageId={page.id}&preview=/{page.id}/{att.id}",
                       "download": f"/download/attachments/{page.id}/{quote(att.title)}?version={att.version}&api=v2",
                       "self": f"{base}/rest/api/content/{att.id}"}}
        if "version" in expand:
            out["version"] = {"number": att.version, "when": "2026-01-05T09:00:00.000Z"}
        if "container" in expand:
            out["container"] = {"id": page.id, "type": "page", "title": page.title, "status": page.status}
        return out

    # --- plumbing
    def _error(self, request: web.Request, status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
        if "/api/v2/" in request.path:
            titles = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 429: "Too Many Requests"}
            body: dict[str, Any] = {"errors": [{"status": status, "code": titles.get(status, "ERROR").upper().replace(" ", "_"),
                                                "title": titles.get(status, "Error"), "detail": message}]}
        else:
            body = {"statusCode": status, "data": {"authorized": status != 401, "valid": True, "errors": [],
                                                   "successful": False}, "message": message}
        return web.json_response(body, status=status, headers=headers)

    def _authorized(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        if self.deployment == "cloud":
            want = "Basic " + base64.b64encode(f"{self.email}:{self.token}".encode()).decode()
        else:
            want = f"Bearer {self.token}"
        return header == want

    @web.middleware
    async def _gate(self, request: web.Request, handler: Any) -> web.StreamResponse:
        with self._lock:
            n = len(self.calls) + 1
        if self.throttle_every and n % self.throttle_every == 0:
            resp: web.StreamResponse = self._error(request, 429, "Rate limit exceeded",
                                                   {"Retry-After": self.retry_after, "X-RateLimit-Remaining": "0"})
        elif not self._authorized(request):
            resp = self._error(request, 401, "Current user not permitted to use Confluence")
        else:
            resp = await handler(request)
        with self._lock:
            self.calls.append((request.path_qs, resp.status))
        return resp

    @staticmethod
    def _cursor(offset: int) -> str:
        return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")

    @staticmethod
    def _offset(cursor: str | None) -> int:
        if not cursor:
            return 0
        return int(json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))["o"])

    def _v2_list(self, request: web.Request, items: list[Any], path: str, extra: str = "") -> web.Response:
        limit = min(int(request.query.get("limit", "25")), 250, self.max_limit)
        offset = self._offset(request.query.get("cursor"))
        chunk = items[offset : offset + limit]
        links: dict[str, str] = {"base": self._base(request)}
        headers = {}
        if offset + limit < len(items):
            links["next"] = f"{self.context}/api/v2/{path}?cursor={self._cursor(offset + limit)}&limit={limit}{extra}"
            headers["Link"] = f'<{links["next"]}>; rel="next", <{links["base"]}>; rel="base"'
        return web.json_response({"results": chunk, "_links": links}, headers=headers)

    def _v1_list(self, request: web.Request, items: list[Any], path: str, query: dict[str, str]) -> web.Response:
        limit = min(int(request.query.get("limit", "25")), 100, self.max_limit)
        start = int(request.query.get("start", "0"))
        chunk = items[start : start + limit]
        base = self._base(request)
        links = {"base": base, "context": self.context, "self": f"{base}/rest/api/{path}"}
        if start + limit < len(items):
            rest = "&".join(f"{k}={quote(v)}" for k, v in query.items())
            links["next"] = f"/rest/api/{path}?{rest}&limit={limit}&start={start + limit}"
        return web.json_response({"results": chunk, "start": start, "limit": limit, "size": len(chunk),
                                  "_links": links})

    def _statuses(self, request: web.Request) -> set[str]:
        return set(request.query.get("status", "current,archived").split(","))

    # --- Cloud v2
    async def v2_spaces(self, request: web.Request) -> web.Response:
        keys = [k for k in request.query.get("keys", "").split(",") if k]
        found = [{"id": self.spaces[k], "key": k, "name": f"Space {k}", "type": "global", "status": "current",
                  "_links": {"webui": f"/spaces/{k}"}} for k in keys if k in self.spaces]
        return self._v2_list(request, found, "spaces")

    async def v2_space_pages(self, request: web.Request) -> web.Response:
        key = next((k for k, v in self.spaces.items() if v == request.match_info["id"]), None)
        if key is None:
            return self._error(request, 404, "space not found")
        body = request.query.get("body-format", "none") == "storage"
        wanted = self._statuses(request)
        pages = [self._v2_page(p, body) for p in self.pages.values() if p.space == key and p.status in wanted]
        extra = f"&status={request.query['status']}" if "status" in request.query else ""
        return self._v2_list(request, pages, f"spaces/{request.match_info['id']}/pages", extra)

    async def v2_pages(self, request: web.Request) -> web.Response:
        ids = [i for i in request.query.get("id", "").split(",") if i]
        body = request.query.get("body-format", "none") == "storage"
        wanted = self._statuses(request)
        pages = [self._v2_page(self.pages[i], body) for i in ids if i in self.pages and self.pages[i].status in wanted]
        return self._v2_list(request, pages, "pages")

    # --- v1
    async def v1_content(self, request: web.Request) -> web.Response:
        q = request.query
        if q.get("type", "page") != "page":
            return self._error(request, 400, "only pages here")
        wanted = set(q.get("status", "current").split(","))
        expand = q.get("expand", "")
        base = self._base(request)
        pages = [self._v1_page(p, expand, base) for p in self.pages.values()
                 if p.space == q.get("spaceKey") and p.status in wanted]
        return self._v1_list(request, pages, "content", {k: q[k] for k in ("spaceKey", "type", "status", "expand") if k in q})

    async def v1_content_one(self, request: web.Request) -> web.Response:
        page = self.pages.get(request.match_info["id"])
        if page is None or page.status != "current":
            return self._error(request, 404, f"No content found with id: ContentId{{id={request.match_info['id']}}}")
        return web.json_response(self._v1_page(page, request.query.get("expand", ""), self._base(request)))

    async def v1_search(self, request: web.Request) -> web.Response:
        cql = request.query.get("cql", "")
        match = CQL.match(cql)
        if not match:
            return self._error(request, 400, f"Could not parse cql : {cql}")
        expand, base = request.query.get("expand", ""), self._base(request)
        labels = {x.strip().strip('"') for x in (match["labels"] or "").split(",") if x.strip()}
        pages = [p for p in self.pages.values() if p.space == match["space"] and p.status == "current"
                 and (not labels or p.labels & labels)]
        if match["type"].lower() == "page":
            items = [self._v1_page(p, expand, base) for p in pages]
        else:
            ids = {p.id for p in pages}
            items = [self._v1_attachment(a, expand, base) for a in self.attachments.values()
                     if a.page_id in ids and a.status == "current"]
        return self._v1_list(request, items, "content/search", {"cql": cql, "expand": expand})

    async def download(self, request: web.Request) -> web.StreamResponse:
        for att in self.attachments.values():
            if att.page_id == request.match_info["page"] and att.title == request.match_info["name"]:
                return web.Response(body=att.data, content_type=att.media_type)
        return self._error(request, 404, "attachment not found")

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._gate])
        c = self.context
        if self.deployment == "cloud":
            app.router.add_get(f"{c}/api/v2/spaces", self.v2_spaces)
            app.router.add_get(f"{c}/api/v2/spaces/{{id}}/pages", self.v2_space_pages)
            app.router.add_get(f"{c}/api/v2/pages", self.v2_pages)
        app.router.add_get(f"{c}/rest/api/content", self.v1_content)
        app.router.add_get(f"{c}/rest/api/content/search", self.v1_search)
        app.router.add_get(f"{c}/rest/api/content/{{id}}", self.v1_content_one)
        app.router.add_get(f"{c}/download/attachments/{{page}}/{{name}}", self.download)
        return app


@contextmanager
def confluence_serving(fake: FakeConfluence) -> Iterator[str]:
    """Serve `fake`; yields the base URL a source is configured with (`http://127.0.0.1:PORT/wiki`)."""
    with serving(fake.app()) as url:
        yield url + fake.context

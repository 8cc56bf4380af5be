"""A fake Microsoft identity platform + Microsoft Graph on loopback (HTTPS), as documented:

- `/{tenant}/v2.0/.well-known/openid-configuration` and `POST /{tenant}/oauth2/v2.0/token`
  (client credentials; a wrong secret answers 401 `invalid_client` with an AADSTS description);
- `/v1.0/sites/{hostname}:/{path}`, `/v1.0/sites/{id}`, `/sites/{id}/drives`;
- `/v1.0/drives/{id}/root/delta`: a full enumeration without a token, then changes since a token, in
  pages linked by `@odata.nextLink`, the last one with `@odata.deltaLink`; deleted items carry the
  `deleted` facet; an expired token answers 410 Gone (`resyncChangesApplyDifferences`) with a
  `Location` to enumerate afresh;
- `/v1.0/drives/{d}/items/{i}/content`: 302 to a pre-authenticated download URL;
- `/v1.0/sites/{id}/pages/microsoft.graph.sitePage` (paged) and one page with `$expand=canvasLayout`;
- Graph error bodies (`{"error": {"code", "message", "innerError"}}`), and 429 with `Retry-After`
  for every `throttle_every`-th call.

Every call is recorded in `calls` (method, path, status).
"""

from __future__ import annotations

import hashlib
import itertools
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from testkit.loopback import serving
from testkit.tls import Certificate


@dataclass
class Item:
    id: str
    name: str
    folder: str  # "" for the library root, else "/Policies/Refunds"
    data: bytes = b""
    mime: str = "text/plain"
    is_folder: bool = False
    version: int = 1
    seq: int = 0
    deleted: bool = False


@dataclass
class SitePage:
    id: str
    name: str
    title: str
    html: list[str]
    version: int = 1
    deleted: bool = False


@dataclass
class FakeGraph:
    tenant: str = "7f0b1c3e-0000-4000-8000-000000000001"
    client_id: str = "0a1b2c3d-0000-4000-8000-000000000002"
    client_secret: str = "client-secret"
    hostname: str = "contoso.sharepoint.com"
    site_path: str = "/sites/cx"
    page_size: int = 200
    throttle_every: int = 0
    fail_downloads: dict[str, int] = field(default_factory=dict)  # item id -> status its download answers
    retry_after: str = "1"
    drives: dict[str, dict[str, Item]] = field(default_factory=dict)
    drive_names: dict[str, str] = field(default_factory=dict)
    pages: dict[str, SitePage] = field(default_factory=dict)
    calls: list[tuple[str, str, int]] = field(default_factory=list)
    tokens_valid_from: int = 0  # delta tokens older than this change number answer 410
    _seq: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _issued: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def site_id(self) -> str:
        return f"{self.hostname},1c3e5a7b-0000-4000-8000-000000000003,2d4f6b8c-0000-4000-8000-000000000004"

    # --- the content, as a test changes it
    def library(self, name: str = "Documents") -> str:
        did = "b!" + hashlib.sha1(name.encode()).hexdigest()[:22]
        self.drives.setdefault(did, {})
        self.drive_names[did] = name
        return did

    def put(self, drive: str, path: str, data: bytes, mime: str = "text/plain") -> Item:
        """Add or change a file at `path` ("Policies/refunds.md"); folders on the way are created."""
        folder, _, name = path.rpartition("/")
        items = self.drives[drive]
        parts = [p for p in folder.split("/") if p]
        for i in range(len(parts)):
            fpath, fname = "/" + "/".join(parts[:i]) if i else "", parts[i]
            if not any(it.is_folder and it.name == fname and it.folder == fpath and not it.deleted for it in items.values()):
                fid = uuid.uuid4().hex[:16].upper()
                items[fid] = Item(fid, fname, fpath, is_folder=True, seq=next(self._seq))
        where = "/" + "/".join(parts) if parts else ""
        for it in items.values():
            if not it.is_folder and not it.deleted and it.name == name and it.folder == where:
                it.data, it.mime, it.version, it.seq = data, mime, it.version + 1, next(self._seq)
                return it
        iid = uuid.uuid4().hex[:16].upper()
        items[iid] = Item(iid, name, where, data, mime, seq=next(self._seq))
        return items[iid]

    def delete(self, drive: str, item_id: str) -> None:
        item = self.drives[drive][item_id]
        item.deleted, item.seq = True, next(self._seq)
        if item.is_folder:
            inside = f"{item.folder}/{item.name}"
            for it in self.drives[drive].values():
                if not it.deleted and (it.folder == inside or it.folder.startswith(inside + "/")):
                    it.deleted, it.seq = True, next(self._seq)

    def find(self, drive: str, name: str) -> Item:
        return next(it for it in self.drives[drive].values() if it.name == name and not it.deleted)

    def add_page(self, title: str, html: list[str]) -> SitePage:
        pid = str(uuid.uuid4())
        self.pages[pid] = SitePage(pid, title.replace(" ", "-") + ".aspx", title, html)
        return self.pages[pid]

    def expire_delta_tokens(self) -> None:
        self.tokens_valid_from = next(self._seq)

    # --- shapes
    def _base(self, request: web.Request) -> str:
        return f"https://{request.host}"

    def _drive_item(self, request: web.Request, drive: str, it: Item) -> dict[str, Any]:
        web_root = f"https://{self.hostname}{self.site_path}/{self.drive_names[drive].replace(' ', '%20')}"
        out: dict[str, Any] = {
            "id": it.id, "name": it.name, "eTag": f'"{{{it.id}}},{it.version}"', "cTag": f'"c:{{{it.id}}},{it.version}"',
            "lastModifiedDateTime": "2026-01-05T09:00:00Z", "size": len(it.data),
            "webUrl": f"{web_root}{it.folder}/{it.name}",
            "parentReference": {"driveType": "documentLibrary", "driveId": drive, "path": f"/drives/{drive}/root:{it.folder}"},
        }
        if it.deleted:
            out = {"id": it.id, "name": it.name, "deleted": {"state": "deleted"},
                   "parentReference": {"driveId": drive}}
            if it.is_folder:
                out["folder"] = {}
            return out
        if it.is_folder:
            out["folder"] = {"childCount": 0}
        else:
            out["file"] = {"mimeType": it.mime, "hashes": {"quickXorHash": hashlib.sha1(it.data).hexdigest()[:27]}}
            out["@microsoft.graph.downloadUrl"] = f"{self._base(request)}/download/{drive}/{it.id}?sig=1"
        return out

    def _error(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> web.Response:
        body = {"error": {"code": code, "message": message, "innerError": {
            "date": "2026-01-05T09:00:00", "request-id": str(uuid.uuid4()), "client-request-id": str(uuid.uuid4())}}}
        return web.json_response(body, status=status, headers=headers)

    # --- plumbing
    @web.middleware
    async def _gate(self, request: web.Request, handler: Any) -> web.StreamResponse:
        with self._lock:
            n = len(self.calls) + 1
        if self.throttle_every and n % self.throttle_every == 0:
            resp: web.StreamResponse = self._error(429, "TooManyRequests", "Too many requests.",
                                                   {"Retry-After": self.retry_after})
        elif request.path.startswith("/v1.0/") and request.headers.get("Authorization", "").removeprefix(
                "Bearer ") not in self._issued:
            resp = self._error(401, "InvalidAuthenticationToken", "Access token is empty or not valid.")
        else:
            try:
                resp = await handler(request)
            except web.HTTPException as exc:  # a redirect
                with self._lock:
                    self.calls.append((request.method, request.path_qs, exc.status))
                raise
        with self._lock:
            self.calls.append((request.method, request.path_qs, resp.status))
        return resp

    async def openid(self, request: web.Request) -> web.Response:
        base, tenant = self._base(request), request.match_info["tenant"]
        return web.json_response({
            "token_endpoint": f"{base}/{tenant}/oauth2/v2.0/token",
            "authorization_endpoint": f"{base}/{tenant}/oauth2/v2.0/authorize",
            "issuer": f"{base}/{tenant}/v2.0", "jwks_uri": f"{base}/{tenant}/discovery/v2.0/keys",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        })

    async def token(self, request: web.Request) -> web.Response:
        form = await request.post()
        if (request.match_info["tenant"] != self.tenant or form.get("client_id") != self.client_id
                or form.get("client_secret") != self.client_secret):
            return web.json_response({
                "error": "invalid_client",
                "error_description": f"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in "
                                     f"the request is the client secret value, not the client secret ID, for a secret "
                                     f"added to app '{form.get('client_id')!s}'.\r\nTrace ID: 0\r\nCorrelation ID: 0",
                "error_codes": [7000215], "timestamp": "2026-01-05 09:00:00Z"}, status=401)
        if form.get("grant_type") != "client_credentials" or not str(form.get("scope", "")).endswith("/.default"):
            return web.json_response({"error": "invalid_scope", "error_description": "AADSTS1002012"}, status=400)
        token = "eyJ0eXAiOiJKV1QifQ." + uuid.uuid4().hex
        self._issued.add(token)
        return web.json_response({"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
                                  "access_token": token})

    async def sites(self, request: web.Request) -> web.Response:
        rest = request.match_info["rest"]
        site = {"id": self.site_id, "name": self.site_path.rsplit("/", 1)[-1], "displayName": "CX",
                "webUrl": f"https://{self.hostname}{self.site_path}"}
        if ":" in rest:
            host, _, path = rest.partition(":")
            if host != self.hostname or path.rstrip(":") != self.site_path:
                return self._error(404, "itemNotFound", "Requested site could not be found")
            return web.json_response(site)
        sid, _, tail = rest.partition("/")
        if sid != self.site_id:
            return self._error(404, "itemNotFound", "Requested site could not be found")
        if not tail:
            return web.json_response(site)
        if tail == "drives":
            return web.json_response({"value": [
                {"id": d, "name": n, "driveType": "documentLibrary", "webUrl": f"https://{self.hostname}{self.site_path}/{n}"}
                for d, n in self.drive_names.items()]})
        if tail == "pages/microsoft.graph.sitePage":
            return self._site_pages(request)
        if tail.startswith("pages/") and tail.endswith("/microsoft.graph.sitePage"):
            page = self.pages.get(tail.split("/")[1])
            if page is None or page.deleted:
                return self._error(404, "itemNotFound", "The resource could not be found.")
            return web.json_response(self._page(page, canvas="canvasLayout" in request.query.get("$expand", "")))
        return self._error(400, "BadRequest", f"Resource not found for the segment '{tail}'.")

    def _page(self, page: SitePage, canvas: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"id": page.id, "name": page.name, "title": page.title, "pageLayout": "article",
                               "webUrl": f"https://{self.hostname}{self.site_path}/SitePages/{page.name}",
                               "eTag": f'"{{{page.id}}},{page.version}"', "lastModifiedDateTime": "2026-01-05T09:00:00Z",
                               "publishingState": {"level": "published", "versionId": f"{page.version}.0"}}
        if canvas:
            out["canvasLayout"] = {"horizontalSections": [{"layout": "oneColumn", "id": "1", "emphasis": "none",
                                   "columns": [{"id": "1", "width": 12, "webparts": [
                                       {"@odata.type": "#microsoft.graph.textWebPart", "id": str(i), "innerHtml": h}
                                       for i, h in enumerate(page.html)]}]}]}
        return out

    def _site_pages(self, request: web.Request) -> web.Response:
        live = sorted((p for p in self.pages.values() if not p.deleted), key=lambda p: p.name)
        top = int(request.query.get("$top", "20"))
        skip = int(request.query.get("$skiptoken", "0"))
        body: dict[str, Any] = {"value": [self._page(p, False) for p in live[skip : skip + top]]}
        if skip + top < len(live):
            body["@odata.nextLink"] = (f"{self._base(request)}/v1.0/sites/{self.site_id}/pages/microsoft.graph.sitePage"
                                       f"?$top={top}&$skiptoken={skip + top}")
        return web.json_response(body)

    async def delta(self, request: web.Request) -> web.Response:
        drive = request.match_info["drive"]
        if drive not in self.drives:
            return self._error(404, "itemNotFound", "The resource could not be found.")
        token = request.query.get("token", "")
        base = f"{self._base(request)}/v1.0/drives/{drive}/root/delta"
        since, snapshot, offset = 0, 0, 0
        if token:
            kind, *nums = token.split(".")
            since = int(nums[0])
            if 0 < since < self.tokens_valid_from:
                return self._error(410, "resyncChangesApplyDifferences", "Resync required. Replace any local items "
                                   "with the server's version (including deletes).", {"Location": base})
            snapshot, offset = (int(nums[1]), int(nums[2])) if kind == "n" else (0, 0)
        with self._lock:
            snapshot = snapshot or next(self._seq)
        items = self.drives[drive].values()
        if since:
            chosen = [it for it in items if since < it.seq <= snapshot]
        else:
            chosen = [it for it in items if not it.deleted and it.seq <= snapshot]
        chosen.sort(key=lambda it: it.seq)
        page = chosen[offset : offset + self.page_size]
        body: dict[str, Any] = {"value": [self._drive_item(request, drive, it) for it in page]}
        if offset + self.page_size < len(chosen):
            body["@odata.nextLink"] = f"{base}?token=n.{since}.{snapshot}.{offset + self.page_size}"
        else:
            body["@odata.deltaLink"] = f"{base}?token=d.{snapshot}"
        return web.json_response(body)

    async def content(self, request: web.Request) -> web.StreamResponse:
        drive, iid = request.match_info["drive"], request.match_info["item"]
        item = self.drives.get(drive, {}).get(iid)
        if item is None or item.deleted or item.is_folder:
            return self._error(404, "itemNotFound", "The resource could not be found.")
        if iid in self.fail_downloads:
            return self._error(self.fail_downloads[iid], "serviceNotAvailable", "The service is not available.")
        raise web.HTTPFound(f"{self._base(request)}/download/{drive}/{iid}?sig=1")

    async def download(self, request: web.Request) -> web.StreamResponse:
        item = self.drives.get(request.match_info["drive"], {}).get(request.match_info["item"])
        if item is None or item.deleted or request.query.get("sig") != "1":
            return web.Response(status=404)
        return web.Response(body=item.data, content_type=item.mime)

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._gate])
        app.router.add_get("/{tenant}/v2.0/.well-known/openid-configuration", self.openid)
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self.token)
        app.router.add_get("/v1.0/drives/{drive}/root/delta", self.delta)
        app.router.add_get("/v1.0/drives/{drive}/items/{item}/content", self.content)
        app.router.add_get("/v1.0/sites/{rest:.*}", self.sites)
        app.router.add_get("/download/{drive}/{item}", self.download)
        return app


@contextmanager
def graph_serving(fake: FakeGraph, cert: Certificate) -> Iterator[str]:
    """Serve `fake` over HTTPS; yields `https://127.0.0.1:PORT` (the authority and Graph host)."""
    with serving(fake.app(), ssl_context=cert.server_context()) as url:
        yield url

"""A small web site on loopback: real HTML pages, robots.txt, a sitemap, ETag/Last-Modified with
conditional GETs (304), 404 for removed pages, and throttling on demand (429 with `Retry-After`).

Every request is recorded (`calls`), so tests and benches can count what a crawl cost.
"""

from __future__ import annotations

import hashlib
import html
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate

from aiohttp import web

from testkit.loopback import serving


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    modified: float = 1_767_225_600.0  # 2026-01-01

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'


@dataclass
class Call:
    path: str
    status: int
    conditional: bool


def html_page(title: str, body_html: str, links: list[str] = (), boilerplate: bool = True) -> bytes:  # type: ignore[assignment]
    """A page with navigation and a footer around its main content, as real sites have."""
    nav = "".join(f'<li><a href="{html.escape(u)}">{html.escape(u)}</a></li>' for u in links)
    chrome_top = ('<header><div class="logo">Example Corp intranet</div><nav><ul><li><a href="/">Home</a></li>'
                  '<li><a href="/contact.html">Contact</a></li></ul></nav></header>') if boilerplate else ""
    chrome_end = ("<footer><p>© 2026 Example Corp. All rights reserved. Imprint · Privacy · Cookie settings</p>"
                  "</footer>") if boilerplate else ""
    links_html = f"<aside><h3>Related</h3><ul>{nav}</ul></aside>" if links else ""
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"</head><body>{chrome_top}<main><article>{body_html}</article></main>{links_html}{chrome_end}"
            "</body></html>").encode()


@dataclass
class FakeSite:
    pages: dict[str, Page] = field(default_factory=dict)
    robots: str = "User-agent: *\nDisallow:\n"
    etags: bool = True
    last_modified: bool = True
    throttle_every: int = 0  # every Nth request is answered 429
    retry_after: str = "1"
    fail: dict[str, int] = field(default_factory=dict)  # path -> status to answer
    calls: list[Call] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def put(self, path: str, body: bytes, content_type: str = "text/html; charset=utf-8", *, at: float = 0) -> None:
        self.pages[path] = Page(body, content_type, at or 1_767_225_600.0 + len(self.pages))

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path_qs
        conditional = "If-None-Match" in request.headers or "If-Modified-Since" in request.headers
        with self._lock:
            n = len(self.calls) + 1
            throttled = self.throttle_every and n % self.throttle_every == 0

        def answer(resp: web.StreamResponse) -> web.StreamResponse:
            with self._lock:
                self.calls.append(Call(path, resp.status, conditional))
            return resp

        if throttled:
            return answer(web.Response(status=429, text="Too Many Requests", headers={"Retry-After": self.retry_after}))
        if path in self.fail:
            return answer(web.Response(status=self.fail[path], text="no"))
        if path == "/robots.txt":
            return answer(web.Response(text=self.robots) if self.robots else web.Response(status=404))
        page = self.pages.get(path)
        if page is None:
            return answer(web.Response(status=404, text="Not Found"))
        headers = {"Content-Type": page.content_type}
        if self.etags:
            headers["ETag"] = page.etag
            if request.headers.get("If-None-Match") == page.etag:
                return answer(web.Response(status=304, headers=headers))
        if self.last_modified:
            headers["Last-Modified"] = formatdate(page.modified, usegmt=True)
            if not self.etags and request.headers.get("If-Modified-Since") == headers["Last-Modified"]:
                return answer(web.Response(status=304, headers=headers))
        return answer(web.Response(body=page.body, headers=headers))

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self.handle)
        return app

    def statuses(self) -> list[int]:
        with self._lock:
            return [c.status for c in self.calls]


@contextmanager
def site_serving(site: FakeSite) -> Iterator[str]:
    with serving(site.app()) as url:
        yield url

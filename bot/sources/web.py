"""`web` sources: a site crawled from a start page or a sitemap, on its own host only.

robots.txt is obeyed (RFC 9309: unreachable with 5xx means nothing may be fetched, a 4xx means no
rules), the crawl stops at `max_depth` links from the start and after `max_pages` documents. Pages are
asked for with `If-None-Match`/`If-Modified-Since` from the last sync, so an unchanged page costs a 304;
its links are remembered in the cursor and the crawl goes on through it. Boilerplate (navigation,
footers) is removed by trafilatura, which keeps the page's headings as Markdown.
"""

from __future__ import annotations

import hashlib
import time
import xml.etree.ElementTree as ET
from collections import deque
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

import requests

from bot.sources import http
from bot.sources.kinds import WebSettings
from bot.sources.model import AuthError, DocError, Fetched, Listing, Ref, SourceError

HTML = ("text/html", "application/xhtml+xml")
FILES = {"application/pdf": ".pdf", "text/plain": ".txt", "text/markdown": ".md",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx"}
MAX_CRAWL_DELAY = 10.0


def normalize(url: str) -> str:
    """One spelling per page: no fragment, lower-case scheme and host, no default port, a path."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", parts.query, ""))


def page_links(html: bytes, base: str) -> list[str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    tag = soup.find("base", href=True)
    if tag is not None:
        base = urljoin(base, str(tag["href"]))
    out = set()
    for a in soup.find_all("a", href=True):
        rel: Any = a.get("rel") or []
        if "nofollow" in rel:
            continue
        href = str(a["href"]).strip()
        if href.startswith(("mailto:", "javascript:", "tel:", "#")):
            continue
        out.add(normalize(urljoin(base, href)))
    return sorted(u for u in out if u.startswith(("http://", "https://")))


def to_markdown(html: bytes, url: str) -> str:
    """The page's main text as Markdown with its headings, titled with a first `# ` line."""
    import trafilatura

    text = html.decode("utf-8", errors="replace")
    body = trafilatura.extract(text, url=url, output_format="markdown", include_formatting=True,
                               include_links=False, include_tables=True, favor_recall=True)
    if not body or not body.strip():
        raise DocError("no main text found on the page")
    if not body.lstrip().startswith("# "):
        meta = trafilatura.extract_metadata(text)
        title = (meta.title if meta is not None else "") or urlsplit(url).path.rsplit("/", 1)[-1] or url
        body = f"# {title}\n\n{body}"
    return body


class WebSource:
    def __init__(self, name: str, settings: WebSettings) -> None:
        self.name = name
        self.settings = settings
        self.start = normalize(settings.url)
        self.host = urlsplit(self.start).netloc
        self.http = http.session(settings.user_agent)
        self._bodies: dict[str, Fetched] = {}
        self._delay = 0.0

    def _get(self, url: str, headers: dict[str, str] | None = None) -> requests.Response:
        if self._delay:
            time.sleep(self._delay)
        return self.http.get(url, headers=headers or {}, allow_redirects=True)

    def _robots(self) -> RobotFileParser:
        parser = RobotFileParser()
        robots_url = urlunsplit((urlsplit(self.start).scheme, self.host, "/robots.txt", "", ""))
        try:
            resp = self._get(robots_url)
        except requests.RequestException as exc:
            raise SourceError(f"{robots_url} not reachable: {http.describe(exc)}") from None
        if resp.status_code >= 500:
            raise SourceError(f"{robots_url} answered {resp.status_code}: the site may not be crawled now")
        parser.parse(resp.text.splitlines() if resp.status_code == 200 else [])
        delay = parser.crawl_delay(self.settings.user_agent)
        self._delay = min(float(delay), MAX_CRAWL_DELAY) if delay else 0.0
        return parser

    def _seeds(self) -> list[str]:
        if not urlsplit(self.start).path.endswith(".xml"):
            return [self.start]
        seeds: list[str] = []
        todo, done = [self.start], set()
        while todo and len(seeds) < self.settings.max_pages:
            url = todo.pop(0)
            done.add(url)
            resp = self._fetch_start(url)
            try:
                root = ET.fromstring(resp.content)
            except ET.ParseError as exc:
                raise SourceError(f"{url} is not a sitemap: {exc}") from None
            for loc in root.iter():
                if loc.tag.endswith("loc") and loc.text:
                    target = normalize(loc.text)
                    if root.tag.endswith("sitemapindex"):
                        if target not in done and urlsplit(target).netloc == self.host:
                            todo.append(target)
                    elif urlsplit(target).netloc == self.host:
                        seeds.append(target)
        return seeds

    def _fetch_start(self, url: str) -> requests.Response:
        try:
            resp = self._get(url)
        except requests.RequestException as exc:
            raise SourceError(f"{url} not reachable: {http.describe(exc)}") from None
        if resp.status_code in (401, 403, 407):
            raise AuthError(f"{url} answered {resp.status_code}")
        if resp.status_code != 200:
            raise SourceError(f"{url} answered {resp.status_code}")
        return resp

    def listing(self, cursor: dict[str, Any]) -> Listing:
        robots = self._robots()
        old: dict[str, dict[str, Any]] = cursor.get("pages", {})
        seeds = self._seeds()
        queue = deque((u, 0) for u in seeds)
        queued = set(seeds)
        pages: dict[str, dict[str, Any]] = {}
        refs: list[Ref] = []
        skipped: list[tuple[str, str]] = []
        visits = 0
        while queue and len(refs) < self.settings.max_pages and visits < 2 * self.settings.max_pages:
            url, depth = queue.popleft()
            if not robots.can_fetch(self.settings.user_agent, url):
                skipped.append((url, "disallowed by robots.txt"))
                continue
            visits += 1
            page = self._visit(url, old.get(url, {}), first=url == self.start, skipped=skipped)
            if page is None:
                continue
            pages[url] = page
            if page.get("v"):
                parts = urlsplit(url)
                path = parts.path + (f"?{parts.query}" if parts.query else "")
                refs.append(Ref(url, str(page["v"]), url=url, path=path))
            if depth < self.settings.max_depth:
                for link in page.get("links", []):
                    if link not in queued and urlsplit(link).netloc == self.host:
                        queued.add(link)
                        queue.append((link, depth + 1))
        return Listing(refs, skipped=skipped, cursor={"pages": pages})

    def _visit(
        self, url: str, prev: dict[str, Any], *, first: bool, skipped: list[tuple[str, str]],
    ) -> dict[str, Any] | None:
        """Fetch one page (conditionally); what to remember about it, or None when it is not a document."""
        headers = {}
        if prev.get("etag"):
            headers["If-None-Match"] = str(prev["etag"])
        if prev.get("modified"):
            headers["If-Modified-Since"] = str(prev["modified"])
        try:
            resp = self._get(url, headers)
        except requests.RequestException as exc:
            if first:
                raise SourceError(f"{url} not reachable: {http.describe(exc)}") from None
            skipped.append((url, f"not reachable ({http.describe(exc)}); the indexed version is kept"))
            return prev or None
        if resp.status_code == 304 and prev:
            return prev
        if resp.status_code in (401, 403, 407) and first:
            raise AuthError(f"{url} answered {resp.status_code}")
        if resp.status_code in (404, 410):
            if first:
                raise SourceError(f"the start page {url} answered {resp.status_code}")
            return None
        if resp.status_code != 200:
            if first:
                raise SourceError(f"{url} answered {resp.status_code}")
            if resp.status_code >= 500 or resp.status_code == 429:
                skipped.append((url, f"HTTP {resp.status_code} after retries; the indexed version is kept"))
                return prev or None
            skipped.append((url, f"HTTP {resp.status_code}"))
            return None
        final = normalize(resp.url)
        if urlsplit(final).netloc != self.host:
            return None  # redirected off the site
        kind = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
        etag, modified = resp.headers.get("ETag"), resp.headers.get("Last-Modified")
        version = etag or modified or hashlib.sha256(resp.content).hexdigest()
        page: dict[str, Any] = {"v": version, "etag": etag, "modified": modified, "links": []}
        if kind in HTML:
            page["links"] = page_links(resp.content, final)
            try:
                self._bodies[url] = Fetched("page.md", to_markdown(resp.content, final).encode("utf-8"))
            except DocError as exc:
                self._bodies.pop(url, None)
                skipped.append((url, str(exc)))
                page["v"] = ""  # links are followed, the page itself is not a document
        elif kind in FILES:
            name = urlsplit(final).path.rsplit("/", 1)[-1] or "file"
            self._bodies[url] = Fetched(name if "." in name else name + FILES[kind], resp.content)
        else:
            skipped.append((url, f"unsupported content type {kind or '(none)'}"))
            page["v"] = ""
        return page

    def prefetch(self, refs: list[Ref]) -> None:
        pass

    def fetch(self, ref: Ref) -> Fetched:
        got = self._bodies.pop(ref.id, None)
        if got is not None:
            return got
        lost: list[tuple[str, str]] = []
        page = self._visit(ref.id, {}, first=False, skipped=lost)  # not in the index after a 304: fetch it whole
        got = self._bodies.pop(ref.id, None)
        if page is None or got is None:
            raise DocError(lost[0][1] if lost else "gone since it was listed", transient=bool(lost))
        return got

    def close(self) -> None:
        self.http.close()

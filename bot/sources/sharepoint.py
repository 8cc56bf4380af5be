"""`sharepoint` sources: a site's document libraries and site pages through Microsoft Graph.

Libraries are read with delta queries (`/drives/{id}/root/delta`): the first sync enumerates
everything, later ones only what changed since the saved `@odata.deltaLink` (deleted items come with
the `deleted` facet). When Graph cannot continue from a token (410 Gone) or a folder was deleted, that
library is enumerated afresh and compared with the index. A file's version is its content tag (`cTag`)
and its URL, so renamed files get their new link without being re-embedded. Site pages have no delta:
they are listed every sync (`/sites/{id}/pages/microsoft.graph.sitePage`) and read with their canvas
layout when their `eTag` changed.
"""

from __future__ import annotations

import html
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from bot.ingest.loaders import SUPPORTED
from bot.sources.graph import Graph, GraphError
from bot.sources.kinds import SharePointSettings
from bot.sources.model import DocError, Fetched, Listing, Ref, SourceError


class _Resync(Exception):
    """The delta cannot be applied item by item: enumerate the library afresh."""


class SharePointSource:
    def __init__(self, name: str, settings: SharePointSettings, secret: str) -> None:
        self.name = name
        self.settings = settings
        self.secret = secret
        self._graph: Graph | None = None
        self.site_id = ""

    @property
    def graph(self) -> Graph:
        if self._graph is None:
            s = self.settings
            self._graph = Graph(s.tenant_id, s.client_id, self.secret, s.authority, s.graph_url)
        return self._graph

    def _site(self) -> dict[str, Any]:
        site = self.settings.site.strip()
        path = f"/sites/{site}" if ":" in site or "," in site else f"/sites/{quote(site)}"
        try:
            got: dict[str, Any] = self.graph.get(path)
        except GraphError as exc:
            raise SourceError(f"site {site!r}: {exc}") from None
        return got

    def listing(self, cursor: dict[str, Any]) -> Listing:
        site = self._site()
        self.site_id = str(site["id"])
        refs: list[Ref] = []
        removed: list[str] = []
        scopes: list[str] = []
        skipped: list[tuple[str, str]] = []
        links: dict[str, str] = {}
        old = cursor.get("drives", {}) if cursor.get("site") == self.site_id else {}
        drives = self._drives()
        for drive in drives:
            did, label = str(drive["id"]), str(drive.get("name", "library"))
            files, deleted, links[did], full = self._delta(did, old.get(did))
            if full:
                scopes.append(f"drive/{did}/")
            removed += [f"drive/{did}/{i}" for i in deleted]
            for item in files.values():
                name = str(item.get("name", ""))
                folder = str((item.get("parentReference") or {}).get("path", "")).partition("root:")[2]
                shown = f"{label}{folder}/{name}"
                if PurePosixPath(name).suffix.lower() not in SUPPORTED:
                    skipped.append((shown, f"unsupported file type {PurePosixPath(name).suffix or '(none)'}"))
                    continue
                tag = item.get("cTag") or item.get("eTag") or item.get("lastModifiedDateTime") or ""
                refs.append(Ref(f"drive/{did}/{item['id']}", f"{tag}|{item.get('webUrl', '')}", title=name,
                                url=str(item.get("webUrl", "")), path=shown))
        scopes += [f"drive/{did}/" for did in old if did not in links]  # a library gone or left out
        if self.settings.pages:
            scopes.append("page/")
            refs += self._pages()
        return Listing(refs, complete=False, removed=removed, scopes=scopes, skipped=skipped,
                       cursor={"site": self.site_id, "drives": links})

    def _drives(self) -> list[dict[str, Any]]:
        drives = [d for page in self.graph.pages(f"/sites/{self.site_id}/drives") for d in page.get("value", [])]
        drives = [d for d in drives if d.get("driveType", "documentLibrary") == "documentLibrary"]
        if self.settings.libraries:
            wanted = set(self.settings.libraries)
            missing = wanted - {str(d.get("name")) for d in drives}
            if missing:
                raise SourceError(f"no document library named {', '.join(sorted(missing))} on the site")
            drives = [d for d in drives if d.get("name") in wanted]
        return drives

    def _delta(self, drive: str, link: str | None) -> tuple[dict[str, dict[str, Any]], set[str], str, bool]:
        """(files changed or present, ids deleted, the new delta link, whether this was a full enumeration)."""
        start = f"/drives/{drive}/root/delta"
        url, full = link or start, link is None
        while True:
            files: dict[str, dict[str, Any]] = {}
            deleted: set[str] = set()
            delta = ""
            try:
                for page in self.graph.pages(url):
                    for item in page.get("value", []):
                        iid = str(item["id"])
                        if "deleted" in item:
                            if "folder" in item and not full:
                                raise _Resync
                            deleted.add(iid)
                            files.pop(iid, None)
                        elif "file" in item:
                            files[iid] = item
                            deleted.discard(iid)
                    delta = str(page.get("@odata.deltaLink", delta))
            except _Resync:
                url, full = start, True
                continue
            except GraphError as exc:
                if exc.status != 410 or full:
                    raise
                url, full = exc.location or start, True  # the token expired: enumerate afresh
                continue
            return files, deleted, delta, full

    def _pages(self) -> list[Ref]:
        refs = []
        for page in self.graph.pages(f"/sites/{self.site_id}/pages/microsoft.graph.sitePage"):
            for p in page.get("value", []):
                version = p.get("eTag") or p.get("lastModifiedDateTime") or ""
                title = str(p.get("title") or p.get("name") or "")
                refs.append(Ref(f"page/{p['id']}", str(version), title=title, url=str(p.get("webUrl", "")),
                                path=f"SitePages/{p.get('name', title)}"))
        return refs

    def prefetch(self, refs: list[Ref]) -> None:
        pass

    def fetch(self, ref: Ref) -> Fetched:
        kind, _, rest = ref.id.partition("/")
        if kind == "drive":
            drive, _, item = rest.partition("/")
            return Fetched(ref.title or "file", self.graph.download(f"/drives/{drive}/items/{item}/content"))
        try:
            page = self.graph.get(f"/sites/{self.site_id}/pages/{rest}/microsoft.graph.sitePage",
                                  {"$expand": "canvasLayout"})
        except GraphError as exc:
            raise DocError(str(exc), transient=exc.status >= 500 or exc.status == 429) from None
        return Fetched("page.html", page_html(page).encode("utf-8"))

    def close(self) -> None:
        if self._graph is not None:
            self._graph.close()


def page_html(page: dict[str, Any]) -> str:
    """A site page's text web parts, in layout order, as one HTML document titled with the page title."""
    layout = page.get("canvasLayout") or {}
    parts: list[str] = []
    for section in layout.get("horizontalSections") or []:
        for column in section.get("columns") or []:
            parts += [str(w.get("innerHtml", "")) for w in column.get("webparts") or [] if w.get("innerHtml")]
    vertical = layout.get("verticalSection") or {}
    parts += [str(w.get("innerHtml", "")) for w in vertical.get("webparts") or [] if w.get("innerHtml")]
    title = html.escape(str(page.get("title") or page.get("name") or ""))
    return f"<html><head><title>{title}</title></head><body>{''.join(parts)}</body></html>"

"""Read documents of every supported format into titled sections.

Each loader returns a `Document`: a title and an ordered list of sections (heading path + text).
A file that cannot be read raises `LoadError` with a reason a person can act on.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.ingest.tables import pipe_rows, tables_to_pipes

MAX_UNZIPPED_BYTES = 200_000_000  # a DOCX is a zip: refuse archives that unpack beyond this
MAX_UNZIP_RATIO = 200  # real documents compress ~3-20x; bombs 1000x and more
SUPPORTED = {".md", ".markdown", ".txt", ".text", ".pdf", ".docx", ".html", ".htm"}


class LoadError(Exception):
    """The file was skipped; `str(err)` says why."""


@dataclass
class Section:
    """A heading path and its text; `layout` keeps the source's line structure (list indentation) where
    the loader knows it, for cutting answer units. Chunks are cut from `text`."""

    heading: str
    text: str
    layout: str = ""

    @property
    def structured(self) -> str:
        return self.layout or self.text


@dataclass
class Document:
    path: Path
    title: str
    sections: list[Section] = field(default_factory=list)
    url: str | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(s.text for s in self.sections)


def _decode(raw: bytes, path: Path) -> str:
    if b"\x00" in raw[:4096]:
        raise LoadError("binary content in a text file")
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise LoadError("not valid UTF-8 or Windows-1252 text")


_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def _md_sections(text: str) -> tuple[str, list[Section]]:
    """Split Markdown at its headings (found by a CommonMark parser, so '#' in code is no heading).

    Lines keep their indentation: a nested list item stays nested, which the answerer needs to quote
    an item with the item it belongs to.
    """
    from markdown_it import MarkdownIt

    lines = text.split("\n")
    tokens = MarkdownIt("commonmark").parse(text)
    heads: list[tuple[int, int, int, str]] = []  # (first line, end line, level, text)
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.map and i + 1 < len(tokens) and tok.tag in ("h1", "h2", "h3", "h4"):
            heads.append((tok.map[0], tok.map[1], int(tok.tag[1:]), tokens[i + 1].content.strip()))
    title = ""
    path: dict[int, str] = {}
    sections: list[Section] = []

    def body(start: int, end: int) -> None:
        part = "\n".join(lines[start:end]).strip("\n").rstrip()
        if part.strip():
            sections.append(Section(" › ".join(path[k] for k in sorted(path) if k >= 2), part))

    at = 0
    for first, end, level, head in heads:
        body(at, first)
        if level == 1 and not title:
            title = head
        path = {k: v for k, v in path.items() if k < level}
        if level >= 2:
            path[level] = head
        at = end
    body(at, len(lines))
    return title, sections


def load_markdown(path: Path, raw: bytes) -> Document:
    from langchain_text_splitters import MarkdownHeaderTextSplitter

    text = _decode(raw, path)
    url = None
    fm = _FRONT_MATTER.match(text)
    if fm:
        m = re.search(r"^(?:url|source):\s*(\S+)", fm.group(1), re.M)
        url = m.group(1) if m else None
        text = text[fm.end() :]
    text = tables_to_pipes(text)
    splitter = MarkdownHeaderTextSplitter(
        [("#", "h1"), ("##", "h2"), ("###", "h3"), ("####", "h4")], strip_headers=True
    )
    title = ""
    sections: list[Section] = []
    for part in splitter.split_text(text):
        meta = part.metadata
        title = title or str(meta.get("h1", ""))
        heading = " › ".join(str(meta[k]) for k in ("h2", "h3", "h4") if meta.get(k))
        body = part.page_content.strip()
        if body:
            sections.append(Section(heading, body))
    # The splitter strips every line, so nested list items lose their nesting; the same sections cut
    # by a CommonMark parser keep it, for answer units (chunks stay as they always were).
    _, laid = _md_sections(text.replace("\r\n", "\n"))
    if [s.heading for s in laid] == [s.heading for s in sections]:
        sections = [Section(s.heading, s.text, lay.text) for s, lay in zip(sections, laid, strict=True)]
    return Document(path, title or name_title(path), sections, url)


def _is_heading(line: str, nxt: str) -> bool:
    line = line.strip()
    return (
        0 < len(line) <= 90
        and not line.endswith((".", ",", ";", ":", "“", '"'))
        and len(nxt.strip()) > len(line)
        and len(line.split()) <= 12
    )


def load_text(path: Path, raw: bytes) -> Document:
    """Plain text: the first line is the title; short lines between paragraphs are headings."""
    text = _decode(raw, path).replace("\r\n", "\n")
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    if not blocks:
        return Document(path, name_title(path), [])
    title = blocks[0] if len(blocks[0]) <= 150 and "\n" not in blocks[0] else name_title(path)
    if title == blocks[0]:
        blocks = blocks[1:]
    sections: list[Section] = []
    heading, buf = "", list[str]()
    for i, block in enumerate(blocks):
        nxt = blocks[i + 1] if i + 1 < len(blocks) else ""
        if "\n" not in block and _is_heading(block, nxt):
            if buf:
                sections.append(Section(heading, "\n\n".join(buf)))
            heading, buf = block, []
        else:
            buf.append(block)
    if buf:
        sections.append(Section(heading, "\n\n".join(buf)))
    return Document(path, title, sections)


def load_pdf(path: Path, raw: bytes) -> Document:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(raw))
        meta_title = (reader.metadata.title if reader.metadata else None) or ""
        sections = []
        for n, page in enumerate(reader.pages, 1):
            text = (page.extract_text() or "").strip()
            if text:
                sections.append(Section(f"page {n}", text))
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise LoadError(f"corrupt PDF: {exc}") from exc
    return Document(path, str(meta_title).strip() or name_title(path), sections)


def load_docx(path: Path, raw: bytes) -> Document:
    import io

    import docx

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(max(i.file_size, 0) for i in archive.infolist())
        if unpacked > MAX_UNZIPPED_BYTES or unpacked > MAX_UNZIP_RATIO * max(len(raw), 1):
            raise LoadError(f"DOCX unpacks to {unpacked} bytes (a zip bomb?); refused")
        doc = docx.Document(io.BytesIO(raw))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LoadError(f"corrupt DOCX: {exc}") from exc
    title = (doc.core_properties.title or "").strip()
    sections: list[Section] = []
    heading, buf = "", list[str]()
    for para in doc.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name if para.style is not None else "") or ""
        if style == "Title" and not title:
            title = text
        elif style.startswith("Heading"):
            if buf:
                sections.append(Section(heading, "\n\n".join(buf)))
            if style == "Heading 1" and not title:
                title = text
            heading, buf = text, []
        else:
            buf.append(text)
    if buf:
        sections.append(Section(heading, "\n\n".join(buf)))
    return Document(path, title or name_title(path), sections)


MAX_HTML_DEPTH = 256
ROWS_TAG = "cxbot-rows"  # stands in for a data table: its text is the table's pipe rows, one per line


def _depth(root: Any) -> int:
    """The deepest element nesting (iterative: deep trees must not blow the stack)."""
    from bs4 import Tag

    stack, deepest = [(root, 0)], 0
    while stack and deepest <= MAX_HTML_DEPTH:
        node, d = stack.pop()
        deepest = max(deepest, d)
        stack.extend((c, d + 1) for c in node.contents if isinstance(c, Tag))
    return deepest


def load_html(path: Path, raw: bytes) -> Document:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(raw, "html.parser")
    if _depth(soup) > MAX_HTML_DEPTH:  # text extraction is quadratic in nesting: refuse, don't hang
        raise LoadError(f"HTML nested deeper than {MAX_HTML_DEPTH} elements; refused")
    for tag in soup(["script", "style", "nav", "footer", "noscript"]):
        tag.decompose()
    for table in soup.find_all("table"):  # a data table becomes its pipe rows (a layout table, holding others, stays)
        lines = pipe_rows(table)
        if lines is not None:
            rows = soup.new_tag(ROWS_TAG)
            rows.string = "\n".join(lines)
            table.replace_with(rows)
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    canonical = soup.find("link", rel="canonical")
    url = str(canonical.get("href")) if canonical is not None and canonical.get("href") else None
    sections: list[Section] = []
    heading, buf = "", list[str]()
    body = soup.body or soup
    blocks = ["h1", "h2", "h3", "h4", "p", "li", "pre", ROWS_TAG]
    for el in body.find_all([*blocks, "td"]):
        if el.name == "td" and el.find([*blocks, "table"]) is not None:
            continue  # a layout cell: the blocks inside it are read on their own
        text = el.get_text(" ", strip=True) if el.name != ROWS_TAG else el.get_text()
        if not text:
            continue
        if el.name in ("h1", "h2", "h3", "h4"):
            if buf:
                sections.append(Section(heading, "\n".join(buf)))
            if el.name == "h1" and not title:
                title = text
            heading, buf = text, []
        else:
            buf.append(text)
    if buf:
        sections.append(Section(heading, "\n".join(buf)))
    return Document(path, title or name_title(path), sections, url)


def name_title(path: Path) -> str:
    """The title a document without one of its own gets: its file name in words."""
    return path.stem.replace("-", " ").replace("_", " ").strip().capitalize()


LOADERS = {
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_text,
    ".text": load_text,
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".html": load_html,
    ".htm": load_html,
}


def load(path: Path, raw: bytes) -> Document:
    """Parse `raw` (the bytes of `path`) with the loader for its extension."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise LoadError(f"unsupported file type {path.suffix or '(none)'}")
    if not raw.strip():
        raise LoadError("empty file")
    try:
        doc = loader(path, raw)
    except LoadError:
        raise
    except RecursionError as exc:
        raise LoadError("document nested too deeply") from exc
    except Exception as exc:  # a broken file must never stop the run
        raise LoadError(f"unreadable: {type(exc).__name__}: {exc}") from exc
    if not any(s.text.strip() for s in doc.sections):
        raise LoadError("no text found")
    return doc

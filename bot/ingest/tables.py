"""HTML tables as pipe-table rows, so a row is quoted with its column names like a Markdown table's.

Pages exported from Confluence, SharePoint or the web, and Markdown pages that embed `<table>` blocks, hold
their tables as HTML. Read cell by cell, each cell became a line of its own ("Paid Training", then its
description, then "FY24 Q4+"), and an answer could quote a cell without the row or the column it belongs to.
Here a data table becomes one line per row, `| cell | cell |`, the first row its header; answer units then
cut each row as "Offering: Paid Training · Description: …" (`bot.ingest.units`). A table that holds other
tables is page layout, not data, and is left to be read as before.
"""

from __future__ import annotations

import re
from typing import Any

# Beyond this many columns a "table" is a layout grid or a spreadsheet dump, not rows to quote.
MAX_COLUMNS = 12
_TABLE = re.compile(r"<table\b.*?</table\s*>", re.I | re.S)


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "/").split())


def pipe_rows(table: Any) -> list[str] | None:
    """The rows of a BeautifulSoup `<table>` as pipe lines (header first, then a rule), or None when it is
    not a data table (it nests tables, has no cells, or has too many columns)."""
    if table.find("table") is not None:
        return None
    rows: list[list[str]] = []
    for tr in table.find_all("tr"):
        cells = [_cell(td.get_text(" ", strip=True)) for td in tr.find_all(["td", "th"])]
        if any(cells):
            rows.append(cells)
    if not rows or max(len(r) for r in rows) > MAX_COLUMNS:
        return None
    width = max(len(r) for r in rows)
    lines = ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in rows]
    return [lines[0], "| " + " | ".join(["---"] * width) + " |", *lines[1:]]


def tables_to_pipes(text: str) -> str:
    """Markdown text with each embedded HTML data table replaced by its pipe rows (others left as they are)."""
    if "<table" not in text.lower():
        return text
    from bs4 import BeautifulSoup

    def convert(m: re.Match[str]) -> str:
        table = BeautifulSoup(m.group(0), "html.parser").find("table")
        lines = pipe_rows(table) if table is not None else None
        return m.group(0) if lines is None else "\n" + "\n".join(lines) + "\n"

    return _TABLE.sub(convert, text)

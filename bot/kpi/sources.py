"""Where KPI rows come from: CSV files (default), a SQL query, or an HTTP JSON endpoint.

Every source reads the columns it is asked for and yields them in chunks of numpy arrays, so a
million rows never sit in memory as Python objects. Rows a source cannot split into the asked
columns (a CSV line with too few fields, a JSON record that is not an object) are counted in
`Chunk.malformed`, not dropped silently.
"""

from __future__ import annotations

import csv
import io
import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

CHUNK_ROWS = 200_000
CHUNK_CHARS = 16 * 1024 * 1024  # CSV text read per block


class SourceError(Exception):
    """A source that cannot be read at all (missing file, unknown column, endpoint down)."""


@dataclass
class Chunk:
    columns: dict[str, np.ndarray]
    malformed: int = 0


class Source(Protocol):
    """Something that yields the named columns of a table, chunk by chunk."""

    def read(self, columns: list[str]) -> Iterator[Chunk]: ...

    def describe(self) -> str: ...

    def kind(self) -> str:
        """What kind of source it is ("CSV", "SQL", "HTTP"): all that chat messages say about it."""
        ...


def redact_url(url: str) -> str:
    """`url` without credentials: no user:password@ and no query string."""
    parts = urllib.parse.urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))


@dataclass
class CsvSource:
    """A CSV file with a header row, read in 16 MB blocks.

    ASCII blocks go through numpy's C reader (values longer than 32 bytes are cut there); a block
    with other characters or a malformed line is read by the `csv` module instead. A quoted value
    spanning lines is not supported.
    """

    path: Path
    delimiter: str = ","
    encoding: str = "utf-8"

    def describe(self) -> str:
        return f"CSV {self.path}"

    def kind(self) -> str:
        return "CSV"

    def read(self, columns: list[str]) -> Iterator[Chunk]:
        try:
            f = self.path.open(encoding=self.encoding, errors="replace", newline="")
        except OSError as exc:
            raise SourceError(f"cannot open {self.path}: {exc.strerror}") from None
        with f:
            header = next(csv.reader([f.readline()], delimiter=self.delimiter), [])
            index = {name.strip(): i for i, name in enumerate(header)}
            missing = [c for c in columns if c not in index]
            if missing:
                raise SourceError(f"{self.path}: no column {', '.join(missing)} (header: {', '.join(header)})")
            use = [index[c] for c in columns]
            while text := f.read(CHUNK_CHARS):
                text += f.readline()  # end the block on a whole line
                yield self._chunk(text, columns, use, len(header))

    def _chunk(self, text: str, columns: list[str], use: list[int], width: int) -> Chunk:
        if text.isascii():
            try:
                table = np.loadtxt(io.StringIO(text), delimiter=self.delimiter, dtype="S32", usecols=use,
                                   quotechar='"', ndmin=2, comments=None)
                return Chunk({c: table[:, i] for i, c in enumerate(columns)})
            except ValueError:
                pass
        rows = [r for r in csv.reader(io.StringIO(text), delimiter=self.delimiter) if r]
        good = [r for r in rows if len(r) == width]
        cols = {c: np.array([r[i] for r in good], dtype=object) for c, i in zip(columns, use, strict=True)}
        return Chunk(cols, malformed=len(rows) - len(good))


@dataclass
class SqlSource:
    """A query against any SQLAlchemy URL; its result columns are matched by name."""

    url: str
    query: str

    def describe(self) -> str:
        return f"SQL {self.url.split('@')[-1]}"

    def kind(self) -> str:
        return "SQL"

    def read(self, columns: list[str]) -> Iterator[Chunk]:
        from sqlalchemy import create_engine, text
        from sqlalchemy.exc import SQLAlchemyError

        engine = create_engine(self.url)
        try:
            with engine.connect() as conn:
                result = conn.execution_options(stream_results=True).execute(text(self.query))
                keys = list(result.keys())
                missing = [c for c in columns if c not in keys]
                if missing:
                    raise SourceError(f"query returns no column {', '.join(missing)} (it has {', '.join(keys)})")
                use = [keys.index(c) for c in columns]
                while rows := result.fetchmany(CHUNK_ROWS):
                    yield Chunk({c: np.array([r[i] for r in rows], dtype=object)
                                 for c, i in zip(columns, use, strict=True)})
        except SQLAlchemyError as exc:
            raise SourceError(f"query failed: {exc.__class__.__name__}: {str(exc).splitlines()[0]}") from None
        finally:
            engine.dispose()


@dataclass
class HttpJsonSource:
    """A JSON endpoint answering a list of records, or an object holding it under `records`."""

    url: str
    records: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    timeout: float = 30.0

    def describe(self) -> str:
        return f"HTTP {redact_url(self.url)}"

    def kind(self) -> str:
        return "HTTP"

    def read(self, columns: list[str]) -> Iterator[Chunk]:
        request = urllib.request.Request(self.url, headers={"Accept": "application/json", **self.headers})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body: Any = json.load(response)
        except (OSError, ValueError) as exc:
            raise SourceError(f"{redact_url(self.url)}: {exc}") from None
        for part in filter(None, self.records.split(".")):
            body = body.get(part) if isinstance(body, dict) else None
        if not isinstance(body, list):
            raise SourceError(f"{redact_url(self.url)}: expected a list of records{' under ' + self.records if self.records else ''}")
        good = [r for r in body if isinstance(r, dict)]
        if good and not any(c in good[0] for c in columns):
            raise SourceError(f"{redact_url(self.url)}: records have none of {', '.join(columns)}")
        for start in range(0, len(good), CHUNK_ROWS):
            part_rows = good[start:start + CHUNK_ROWS]
            yield Chunk({c: np.array([r.get(c) for r in part_rows], dtype=object) for c in columns},
                        malformed=(len(body) - len(good)) if start == 0 else 0)

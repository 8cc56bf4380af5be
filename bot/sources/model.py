"""What a knowledge source hands the sync: references to its documents, then their bytes.

A source lists its documents as `Ref`s (an id unique in the source, a version that changes whenever
the content does, a title and the document's URL at the source). The sync compares each version with
the one stored beside the document's chunks and fetches only what changed; loading, splitting,
embedding and writing are the indexer's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol


class SourceError(Exception):
    """The source as a whole failed (unreachable, misconfigured): the sync stops, nothing is deleted.

    `partial` is the summary of what the sync had done when it stopped (set by the sync).
    """

    partial: Any = None


class AuthError(SourceError):
    """The source refused our credentials: the sync stops, nothing is deleted."""


class DocError(Exception):
    """One document could not be fetched: it is skipped and listed, the sync goes on.

    `transient` failures (a timeout, a 5xx after retries) leave an indexed older version in place;
    permanent ones (gone, unreadable) do not.
    """

    def __init__(self, reason: str, *, transient: bool = False) -> None:
        super().__init__(reason)
        self.transient = transient


@dataclass(frozen=True)
class Ref:
    """One document at the source, as listed (before its content is fetched)."""

    id: str
    version: str
    title: str = ""
    url: str = ""
    path: str = ""  # what people see when there is no URL (e.g. the path in a repository)


@dataclass(frozen=True)
class Fetched:
    """A document's bytes, with the file name whose extension picks the loader (`page.html`, `a.pdf`)."""

    name: str
    raw: bytes


@dataclass
class Listing:
    """What a source holds now.

    `complete`: `refs` is every document the source has, and indexed documents missing from it are
    removed. Otherwise (`complete=False`, a delta), `refs` are the changed documents and `removed`
    the ids deleted at the source since `cursor` was handed in; `scopes` are id prefixes listed in
    full all the same (a library enumerated afresh), whose indexed documents missing from `refs` go.
    """

    refs: list[Ref]
    complete: bool = True
    removed: list[str] = field(default_factory=list)
    scopes: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason) of what is not a document
    cursor: dict[str, Any] = field(default_factory=dict)  # saved once the sync finished


class Source(Protocol):
    """One configured source (see `bot.sources.kinds`)."""

    name: str

    def listing(self, cursor: dict[str, Any]) -> Listing:
        """Every document (or the changes since `cursor`); raises `SourceError`/`AuthError`."""
        ...

    def prefetch(self, refs: list[Ref]) -> None:
        """About to fetch these (a batch of up to `PREFETCH`): a source may read them in bulk."""
        ...

    def fetch(self, ref: Ref) -> Fetched:
        """One document's content; raises `DocError` for it alone, `SourceError` for the source."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


PREFETCH = 250


def batched(refs: list[Ref], size: int = PREFETCH) -> Iterator[list[Ref]]:
    for i in range(0, len(refs), size):
        yield refs[i : i + size]

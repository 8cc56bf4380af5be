"""What the index keeps beside each chunk's text and vector: one typed record, written by the
indexer, read back by the store and the retriever, and carried on every passage to the answerer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

from bot.trust.collections import DEFAULT


@dataclass(frozen=True)
class ChunkMeta:
    """A chunk's metadata (stored as Chroma metadata, one field per key)."""

    doc: str  # the document's key: its absolute path, or a source's key for the document
    path: str = ""  # the document as citations name it
    doc_hash: str = ""  # the document's content hash: an unchanged document is not embedded again
    doc_chunks: int = 0  # how many chunks the document has: an interrupted ingest is recognised
    chunk: int = -1  # this chunk's place in its document (-1: unknown)
    title: str = ""
    section: str = ""
    lang: str = "en"
    url: str = ""
    collection: str = DEFAULT  # who may see it (`collections.yaml`)
    doc_version: str = ""  # the source's revision of the document ("" for folder ingest)
    units: int = 0  # the version of `bot.ingest.units` the document's answer units were cut with (0: none)
    label: str = ""  # the readable title shown for a document without one of its own ("": `title`)
    titles: int = 0  # the version of `bot.ingest.titles` that chose `label` (0: none)

    @property
    def shown_title(self) -> str:
        """The title citations show (display only: `title` is what was embedded and keyword-indexed)."""
        return self.label or self.title

    def to_chroma(self) -> dict[str, str | int]:
        """The Chroma metadata (`doc_version`, `units`, `label` and `titles` only when there are)."""
        out: dict[str, str | int] = asdict(self)
        if not self.doc_version:
            del out["doc_version"]
        if not self.units:
            del out["units"]
        if not self.label:
            del out["label"]
        if not self.titles:
            del out["titles"]
        return out

    @classmethod
    def from_chroma(cls, raw: Mapping[str, object]) -> ChunkMeta:
        """Read back what `to_chroma` wrote (fields it lacks get their defaults)."""
        path = str(raw.get("path", ""))
        return cls(
            doc=str(raw.get("doc", path)), path=path, doc_hash=str(raw.get("doc_hash", "")),
            doc_chunks=_int(raw.get("doc_chunks"), 0), chunk=_int(raw.get("chunk"), -1),
            title=str(raw.get("title", "")), section=str(raw.get("section", "")), lang=str(raw.get("lang", "en")),
            url=str(raw.get("url", "")), collection=str(raw.get("collection", DEFAULT)),
            doc_version=str(raw.get("doc_version", "")), units=_int(raw.get("units"), 0),
            label=str(raw.get("label", "")), titles=_int(raw.get("titles"), 0),
        )


def _int(value: object, default: int) -> int:
    return int(value) if isinstance(value, int | float | str) and str(value).lstrip("-").isdigit() else default

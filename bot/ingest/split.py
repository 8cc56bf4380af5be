"""Split documents into chunks that remember their title and section."""

from __future__ import annotations

import os
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from bot.ingest.loaders import Document, Section
from bot.text import detect_lang

CHUNK_CHARS = int(os.environ.get("CXBOT_CHUNK_CHARS", "450"))
OVERLAP = int(os.environ.get("CXBOT_CHUNK_OVERLAP", "80"))
MIN_SECTION = 250


@dataclass(frozen=True)
class Chunk:
    index: int
    title: str
    section: str
    text: str
    lang: str

    @property
    def embed_text(self) -> str:
        """What the embedder and keyword index see: title and section give the chunk its context."""
        head = self.title if not self.section else f"{self.title} — {self.section}"
        return f"{head}\n{self.text}"


def _merge_small(sections: list[Section]) -> list[Section]:
    merged: list[Section] = []
    for sec in sections:
        if merged and len(merged[-1].text) < MIN_SECTION:
            prev = merged[-1]
            text = prev.text + "\n\n" + (f"{sec.heading}\n" if sec.heading else "") + sec.text
            merged[-1] = Section(prev.heading or sec.heading, text)
        else:
            merged.append(sec)
    return merged


def split(doc: Document, chunk_chars: int = CHUNK_CHARS, overlap: int = OVERLAP) -> list[Chunk]:
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=chunk_chars,
        chunk_overlap=overlap,
        separators=["\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ", ""],
        keep_separator="end",
    )
    chunks: list[Chunk] = []
    doc_lang = detect_lang(doc.text[:5000])
    for sec in _merge_small(doc.sections):
        for piece in splitter.split_text(sec.text):
            piece = piece.strip()
            if piece:
                chunks.append(Chunk(len(chunks), doc.title, sec.heading, piece, doc_lang))
    return chunks

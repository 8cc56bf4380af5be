"""Which files an ingest looks at, and what it says about them (no Chroma, no numpy: the quick path reads it)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.ingest.loaders import SUPPORTED

IGNORED = {".yaml", ".yml", ".json", ".csv", ".jsonl", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".zip"}


@dataclass
class Skipped:
    path: str
    reason: str


@dataclass
class Summary:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    chunks: int = 0
    skipped: list[Skipped] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "chunks": self.chunks,
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
        }


def display_path(path: Path) -> str:
    try:
        return os.path.relpath(path, Path.cwd()).replace(os.sep, "/")
    except ValueError:
        return str(path)


def walk(roots: Iterable[Path]) -> tuple[list[Path], list[Skipped]]:
    files: list[Path] = []
    skipped: list[Skipped] = []
    for root in roots:
        try:
            root.stat()
        except OSError as exc:  # missing, too long a name, no permission: a reason, not a traceback
            reason = "no such file or directory" if isinstance(exc, FileNotFoundError) else f"unreadable: {exc.strerror or exc}"
            skipped.append(Skipped(display_path(root), reason))
            continue
        if root.is_file():
            candidates = [root]
        elif root.is_dir():
            candidates = sorted(p for p in root.rglob("*") if p.is_file())
        else:
            skipped.append(Skipped(display_path(root), "no such file or directory"))
            continue
        for p in candidates:
            rel = p.relative_to(root) if root.is_dir() else Path(p.name)
            if any(part.startswith(".") for part in rel.parts):
                continue
            ext = p.suffix.lower()
            if ext in SUPPORTED:
                files.append(p.resolve())
            elif ext not in IGNORED:
                skipped.append(Skipped(display_path(p), f"unsupported file type {ext or '(none)'}"))
    return files, skipped

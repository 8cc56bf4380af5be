"""The knowledge dir, data dir and sources service a sources test works with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from testenv import make_settings

from bot.db.engine import Database
from bot.knowledge import Knowledge
from bot.settings import Settings
from bot.sources.service import SourcesService


class Sources:
    """A data dir, a knowledge dir whose sources.yaml the test writes, and fresh services on demand."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.knowledge_dir = root / "kb"
        self.knowledge_dir.mkdir(parents=True, exist_ok=True)
        self.settings: Settings = make_settings(root / "data", CXBOT_KNOWLEDGE_DIR=self.knowledge_dir)
        self._dbs: list[Database] = []

    def configure(self, *entries: dict[str, Any]) -> None:
        (self.knowledge_dir / "sources.yaml").write_text(yaml.safe_dump({"sources": list(entries)}), encoding="utf-8")

    def service(self, **kw: Any) -> SourcesService:
        """A new service (new Knowledge: its embedder counts only this service's embeddings)."""
        db = Database(self.settings).migrate()
        self._dbs.append(db)
        return SourcesService(self.settings, Knowledge(self.settings), db, **kw)

    def sync(self, name: str, **kw: Any) -> Any:
        service = self.service(**kw)
        [spec] = [s for s in service.specs() if s.name == name]
        return service.sync(spec)

    def chunks(self) -> list[tuple[str, dict[str, Any]]]:
        _, texts, metas = Knowledge(self.settings).store.all_chunks()
        return list(zip(texts, metas, strict=True))

    def close(self) -> None:
        for db in self._dbs:
            db.dispose()

"""The SQLite engine's WAL switch: "database is locked" at connect (a second replica starting while the first
touches the file; SQLite can answer so at once, without waiting out the busy timeout) is retried, not fatal."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bot.db import engine as db_engine
from bot.db.engine import make_engine


class Flaky:
    """A cursor whose first `locked` statements fail as SQLite's do when another connection holds the file."""

    def __init__(self, inner: sqlite3.Cursor, locked: int, error: str = "database is locked") -> None:
        self.inner, self.locked, self.error, self.calls = inner, locked, error, 0

    def execute(self, sql: str) -> Any:
        self.calls += 1
        if self.locked:
            self.locked -= 1
            raise sqlite3.OperationalError(self.error)
        return self.inner.execute(sql)


def test_a_locked_database_is_retried_until_it_is_in_wal_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db_engine, "WAL_PAUSE", 0.0)
    conn = sqlite3.connect(tmp_path / "cxbot.db")
    flaky = Flaky(conn.cursor(), locked=3)
    db_engine._wal(flaky)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal" and flaky.calls == 5
    conn.close()


def test_other_errors_and_a_lock_that_never_ends_still_raise(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db_engine, "WAL_PAUSE", 0.0)
    conn = sqlite3.connect(tmp_path / "cxbot.db")
    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        db_engine._wal(Flaky(conn.cursor(), locked=1, error="disk I/O error"))
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        db_engine._wal(Flaky(conn.cursor(), locked=db_engine.WAL_TRIES))
    conn.close()


def test_engines_connect_in_wal_mode(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'cxbot.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()

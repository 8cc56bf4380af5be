"""Engine and session factory, built from settings; migrations applied with Alembic."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations"


# Switching a database to WAL needs it to itself for a moment, and SQLite answers "database is locked" at once,
# without waiting out the busy timeout, when another connection (a second replica starting) holds it then.
WAL_TRIES = 50
WAL_PAUSE = 0.1  # seconds


def _wal(cur: Any) -> None:
    """Put the database in WAL mode (once: a database in WAL stays so), retrying while another connection holds it."""
    for attempt in range(WAL_TRIES):
        try:
            if str(cur.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt + 1 == WAL_TRIES:
                raise
            time.sleep(WAL_PAUSE)


def make_engine(url: str) -> Engine:
    """An engine tuned for our two databases: SQLite (WAL, busy timeout) and PostgreSQL (a pool)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            _wal(cur)
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(url: str) -> None:
    """Bring the schema to the newest revision of every feature branch."""
    command.upgrade(alembic_config(url), "heads")


class Database:
    """The engine and a session factory, made once at start-up and passed to services.

    Making one touches no table: start-up calls `migrate()` once before anything uses the schema.
    """

    def __init__(self, settings: Settings) -> None:
        settings.ensure_dirs()
        self.url = settings.db_url
        self.engine = make_engine(self.url)
        self.sessions: sessionmaker[Session] = sessionmaker(self.engine, expire_on_commit=False)

    def migrate(self) -> Database:
        """Bring the schema to the newest revision of every feature branch (safe on every replica)."""
        migrate(self.url)
        return self

    def session(self) -> Session:
        return self.sessions()

    def dispose(self) -> None:
        self.engine.dispose()

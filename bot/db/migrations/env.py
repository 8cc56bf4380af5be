"""Alembic environment: runs against the URL handed in by `bot.db.engine.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool, text

config = context.config


def run() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url
    connectable = create_engine(url, poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, render_as_batch=url.startswith("sqlite"))
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":  # replicas starting together migrate one at a time
                connection.execute(text("SELECT pg_advisory_xact_lock(7707270001)"))
            context.run_migrations()


run()

"""Core (ask): the exchanges cxbot answered in a thread, kept so follow-ups there carry them as history.

Revision ID: core_0003
Revises: core_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "core_0003"
down_revision = "core_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ask_thread_exchanges",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("conversation", sa.String(255), nullable=False),
        sa.Column("thread", sa.String(255), nullable=False),
        sa.Column("user_hash", sa.String(64), nullable=False, index=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
    )
    op.create_index("ix_ask_thread_exchanges_thread", "ask_thread_exchanges", ["platform", "conversation", "thread"])


def downgrade() -> None:
    op.drop_index("ix_ask_thread_exchanges_thread", "ask_thread_exchanges")
    op.drop_table("ask_thread_exchanges")

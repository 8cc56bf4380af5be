"""Ask: threads the bot answered in (follow-ups without a mention) and auto-answer channels.

A branch of its own, after `core_0001`: the ask feature's conversation state.

Revision ID: ask_threads_0001
Revises: core_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "ask_threads_0001"
down_revision = "core_0001"
branch_labels = ("ask_threads",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ask_threads",
        sa.Column("conversation", sa.String(255), primary_key=True),
        sa.Column("thread", sa.String(255), primary_key=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )
    op.create_table(
        "ask_auto_channels",
        sa.Column("conversation", sa.String(255), primary_key=True),
        sa.Column("enabled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("enabled_by", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ask_auto_channels")
    op.drop_table("ask_threads")

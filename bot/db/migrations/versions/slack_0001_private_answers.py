"""Slack: answers given privately (`/cx`) kept briefly so "Share in channel" can post them as shown.

Revision ID: slack_0001
Revises: core_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "slack_0001"
down_revision = "core_0001"
branch_labels = ("slack",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slack_private_answers",
        sa.Column("question_id", sa.String(64), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("thread", sa.String(64), nullable=True),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("blocks", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("slack_private_answers")

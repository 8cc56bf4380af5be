"""Slack: `slack_private_answers` dropped; the ask feature keeps shareable answers (`core_0002`).

Revision ID: slack_0002
Revises: slack_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "slack_0002"
down_revision = "slack_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("slack_private_answers")


def downgrade() -> None:
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

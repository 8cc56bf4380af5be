"""Core (ask): private answers kept for a day so "Share in channel" can post them as the asker saw them.

They were Slack's `slack_private_answers` (rendered Block Kit); the ask feature now keeps the answer
itself, for any platform. `slack_0002` drops the old table: answers given privately in the day before
the upgrade can no longer be shared (the person is asked to ask again).

Revision ID: core_0002
Revises: core_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "core_0002"
down_revision = "core_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ask_shareable_answers",
        sa.Column("question_id", sa.String(64), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("conversation", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("thread", sa.String(255), nullable=True),
        sa.Column("team", sa.String(255), nullable=True),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ask_shareable_answers")

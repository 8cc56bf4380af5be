"""Core: questions asked and their feedback (knowledge-gap reports).

Databases made before `slack_0003` also got Slack's `seen_events` here; it is the Slack branch's now.

Revision ID: core_0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "core_0001"
down_revision = None
branch_labels = ("core",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "asked_questions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("conversation", sa.String(255), nullable=False, index=True),
        sa.Column("user_hash", sa.String(64), nullable=False, index=True),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("answered", sa.Boolean, nullable=False),
        sa.Column("top_source", sa.String(1024), nullable=True),
        sa.Column("feedback", sa.SmallInteger, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("asked_questions")

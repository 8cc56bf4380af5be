"""Experts: escalated questions, the replies in their threads, and verified entries with their review flag.

Revision ID: expert_0001
Revises: core_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "expert_0001"
down_revision = "core_0001"
branch_labels = ("expert",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "expert_escalations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("question_id", sa.String(64), nullable=False, unique=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("collection", sa.String(64), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("asker_id", sa.String(255), nullable=False, index=True),
        sa.Column("asker_name", sa.String(255), nullable=False),
        sa.Column("conversation", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("thread", sa.String(255), nullable=True),
        sa.Column("team", sa.String(255), nullable=True),
        sa.Column("private", sa.Boolean, nullable=False),
        sa.Column("message_id", sa.String(255), nullable=True),
        sa.Column("expert_channel", sa.String(255), nullable=False),
        sa.Column("expert_thread", sa.String(255), nullable=True, index=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "expert_replies",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("escalation_id", sa.Integer, sa.ForeignKey("expert_escalations.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("message_id", sa.String(255), nullable=False),
        sa.Column("author_id", sa.String(255), nullable=False),
        sa.Column("author_name", sa.String(255), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("escalation_id", "message_id", name="uq_expert_replies_escalation_message"),
    )
    op.create_table(
        "expert_verified",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("reply_id", sa.Integer, sa.ForeignKey("expert_replies.id", ondelete="SET NULL"),
                  nullable=True, unique=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("collection", sa.String(64), nullable=False),
        sa.Column("path", sa.String(1024), nullable=False, unique=True),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("author", sa.String(255), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("review_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("claim_owner", sa.String(64), nullable=True),
        sa.Column("claim_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("flagged_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("expert_verified")
    op.drop_table("expert_replies")
    op.drop_table("expert_escalations")

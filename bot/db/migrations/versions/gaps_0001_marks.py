"""Gaps: groups marked addressed (their questions re-asked after the next ingest) and question vectors.

Revision ID: gaps_0001
Revises: core_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "gaps_0001"
down_revision = "core_0001"
branch_labels = ("gaps",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gap_marks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("index_version", sa.String(64), nullable=False),
        sa.Column("checked_version", sa.String(64), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "gap_mark_questions",
        sa.Column("mark_id", sa.Integer, sa.ForeignKey("gap_marks.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("question_id", sa.String(32), sa.ForeignKey("asked_questions.id", ondelete="CASCADE"),
                  primary_key=True, index=True),
        sa.Column("answered", sa.Boolean, nullable=True),
    )
    op.create_table(
        "gap_vectors",
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("vec", sa.LargeBinary, nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("gap_vectors")
    op.drop_table("gap_mark_questions")
    op.drop_table("gap_marks")

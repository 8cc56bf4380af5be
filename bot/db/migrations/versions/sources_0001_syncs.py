"""Sources: one row per knowledge source with its sync claim, last outcome and cursor.

Revision ID: sources_0001
Revises: core_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "sources_0001"
down_revision = "core_0001"
branch_labels = ("sources",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source_syncs",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("owner", sa.String(64), nullable=True),
        sa.Column("claims", sa.Integer, nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ok_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("documents", sa.Integer, nullable=False),
        sa.Column("summary", sa.Text, nullable=True),
        sa.Column("cursor", sa.Text, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("source_syncs")

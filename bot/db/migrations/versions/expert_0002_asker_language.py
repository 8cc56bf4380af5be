"""Experts: the asker's language, so the expert's answer reaches them in it.

Revision ID: expert_0002
Revises: expert_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "expert_0002"
down_revision = "expert_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("expert_escalations") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("expert_escalations") as batch:
        batch.drop_column("language")

"""Digest: the text of each digest as it was sent (the dashboard shows it).

Revision ID: digest_0002
Revises: digest_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "digest_0002"
down_revision = "digest_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("digest_deliveries") as batch:
        batch.add_column(sa.Column("sent_text", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("digest_deliveries") as batch:
        batch.drop_column("sent_text")

"""Digest: deliveries remember when they were first claimed.

A retry looks for its earlier post in the channel's history from that moment on (Slack message
metadata), so a post that landed but was never marked sent is not repeated. Existing rows get NULL
and fall back to their due time.

Revision ID: digest_0004
Revises: digest_0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "digest_0004"
down_revision = "digest_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("digest_deliveries") as batch:
        batch.add_column(sa.Column("first_claimed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("digest_deliveries") as batch:
        batch.drop_column("first_claimed_at")

"""Digest: each subscription carries the language its digest is worded in (issue 17).

Existing subscriptions get NULL: their digests keep the deployment's default (`CXBOT_LANGUAGE`).

Revision ID: digest_0003
Revises: digest_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "digest_0003"
down_revision = "digest_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("digest_subscriptions") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("digest_subscriptions") as batch:
        batch.drop_column("language")

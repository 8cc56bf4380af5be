"""Slack: `seen_events`, the event ids claimed once across replicas, in the Slack branch where it belongs.

`core_0001` used to create it: a database made before keeps its table and rows (nothing to do here),
a new database gets it now.

Revision ID: slack_0003
Revises: slack_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "slack_0003"
down_revision = "slack_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "seen_events" in sa.inspect(op.get_bind()).get_table_names():
        return
    op.create_table(
        "seen_events",
        sa.Column("event_id", sa.String(255), primary_key=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("seen_events")

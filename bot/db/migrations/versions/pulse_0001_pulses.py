"""Pulse checks: pulses, anonymous votes (keyed voter hash), recurring schedules.

Revision ID: pulse_0001
Revises: core_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "pulse_0001"
down_revision = "core_0001"
branch_labels = ("pulse",)
depends_on = None


def _where() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("conversation_kind", sa.String(16), nullable=False),
        sa.Column("team", sa.String(255), nullable=True),
        sa.Column("conversation_key", sa.String(300), nullable=False, index=True),
    ]


def upgrade() -> None:
    op.create_table(
        "pulses",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("template", sa.String(64), nullable=False, index=True),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column("statements_json", sa.Text, nullable=False),
        sa.Column("n_statements", sa.SmallInteger, nullable=False),
        sa.Column("scale_min", sa.SmallInteger, nullable=False),
        sa.Column("scale_max", sa.SmallInteger, nullable=False),
        sa.Column("message_id", sa.String(255), nullable=True),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("remind_at", sa.DateTime(timezone=True), nullable=True, index=True),
        sa.Column("creator_hash", sa.String(64), nullable=False),
        sa.Column("schedule_id", sa.Integer, nullable=True),
        *_where(),
    )
    op.create_table(
        "pulse_votes",
        sa.Column("pulse_id", sa.Integer, sa.ForeignKey("pulses.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("statement", sa.SmallInteger, primary_key=True),
        sa.Column("voter_hash", sa.String(64), primary_key=True),
        sa.Column("score", sa.SmallInteger, nullable=False),
        sa.Column("voted_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "pulse_schedules",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("template", sa.String(64), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("cadence", sa.String(16), nullable=False),
        sa.Column("duration_seconds", sa.Integer, nullable=False),
        sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("creator_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *_where(),
    )


def downgrade() -> None:
    op.drop_table("pulse_schedules")
    op.drop_table("pulse_votes")
    op.drop_table("pulses")

"""Tracking: what the kiosk did, as events naming the customer by code, and their daily counts.

Revision ID: 0011_tracking
Revises: 0010_customer_ledger
Create Date: 2026-12-03 00:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_tracking"
down_revision = "0010_customer_ledger"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tracking_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("customer_code", sa.String(length=50), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=True),
        sa.Column("outcome", sa.String(length=20), server_default="", nullable=False),
        sa.Column("kiosk_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracking_events")),
    )
    op.create_index(op.f("ix_tracking_events_at"), "tracking_events", ["at"])
    op.create_index(
        "ix_tracking_events_customer_code_at", "tracking_events", ["customer_code", "at"]
    )
    op.create_table(
        "tracking_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "kind", "outcome", name=op.f("pk_tracking_days")),
    )


def downgrade() -> None:
    op.drop_table("tracking_days")
    op.drop_index("ix_tracking_events_customer_code_at", "tracking_events")
    op.drop_index(op.f("ix_tracking_events_at"), "tracking_events")
    op.drop_table("tracking_events")

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

# Spelled out here, not imported: a migration must not change when the models do.
OPEN_INVOICE_SQLITE = "sap_status = 'open' AND cancelled = 0"
OPEN_INVOICE_POSTGRESQL = "sap_status = 'open' AND cancelled = false"


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
    # The reports' indexes: open invoices by currency and due date, carrying the amounts (the
    # ageing report reads nothing else), deliveries by the time they were created, each
    # customer's preference changes in consent order, and payments by date.
    op.create_index(
        "ix_invoices_open_due",
        "invoices",
        ["currency", "due_date", "total", "paid_to_date", "sap_status", "cancelled"],
        sqlite_where=sa.text(OPEN_INVOICE_SQLITE),
        postgresql_where=sa.text(OPEN_INVOICE_POSTGRESQL),
    )
    op.create_index(
        "ix_deliveries_created_at_channel_state", "deliveries", ["created_at", "channel", "state"]
    )
    op.create_index(
        "ix_billing_preference_history_customer_code_consent_at",
        "billing_preference_history",
        ["customer_code", "consent_at", "id", "channel"],
    )
    op.create_index(
        "ix_incoming_payments_payment_date_cancelled",
        "incoming_payments",
        ["payment_date", "cancelled"],
    )


def downgrade() -> None:
    op.drop_index("ix_incoming_payments_payment_date_cancelled", "incoming_payments")
    op.drop_index(
        "ix_billing_preference_history_customer_code_consent_at", "billing_preference_history"
    )
    op.drop_index("ix_deliveries_created_at_channel_state", "deliveries")
    op.drop_index("ix_invoices_open_due", "invoices")
    op.drop_table("tracking_days")
    op.drop_index("ix_tracking_events_customer_code_at", "tracking_events")
    op.drop_index(op.f("ix_tracking_events_at"), "tracking_events")
    op.drop_table("tracking_events")

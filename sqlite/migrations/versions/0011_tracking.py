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
    # ageing report reads nothing else), deliveries by the day they were created, and each
    # customer's preference changes in consent order (to keep channel_moves).
    op.create_index(
        "ix_invoices_open_due",
        "invoices",
        ["currency", "due_date", "total", "paid_to_date", "sap_status", "cancelled"],
        sqlite_where=sa.text(OPEN_INVOICE_SQLITE),
        postgresql_where=sa.text(OPEN_INVOICE_POSTGRESQL),
    )
    # Plain ADD COLUMN and an UPDATE, not a batch copy of the table: date() is the same
    # function in SQLite and PostgreSQL.
    op.add_column("deliveries", sa.Column("created_day", sa.Date(), nullable=True))
    op.execute("UPDATE deliveries SET created_day = date(created_at)")
    op.create_index(
        "ix_deliveries_created_day_channel_state",
        "deliveries",
        ["created_day", "channel", "state"],
    )
    op.create_index(
        "ix_billing_preference_history_customer_code_consent_at",
        "billing_preference_history",
        ["customer_code", "consent_at"],
    )
    op.create_table(
        "channel_moves",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=5), nullable=False),
        sa.Column("change", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "channel", name=op.f("pk_channel_moves")),
    )
    # Each value a customer's preference had holds from its consent to the next one's.
    op.execute(
        "INSERT INTO channel_moves (day, channel, change) "
        "SELECT day, channel, SUM(change) FROM ("
        " SELECT date(consent_at) AS day, channel, 1 AS change FROM billing_preference_history"
        " UNION ALL"
        " SELECT date(ended), channel, -1 FROM ("
        "  SELECT channel, LEAD(consent_at) OVER ("
        "   PARTITION BY customer_code ORDER BY consent_at, id) AS ended"
        "  FROM billing_preference_history) AS spans"
        " WHERE ended IS NOT NULL"
        ") AS moves GROUP BY day, channel HAVING SUM(change) <> 0"
    )


def downgrade() -> None:
    op.drop_table("channel_moves")
    op.drop_index(
        "ix_billing_preference_history_customer_code_consent_at", "billing_preference_history"
    )
    op.drop_index("ix_deliveries_created_day_channel_state", "deliveries")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_column("created_day")
    op.drop_index("ix_invoices_open_due", "invoices")
    op.drop_table("tracking_days")
    op.drop_index("ix_tracking_events_customer_code_at", "tracking_events")
    op.drop_index(op.f("ix_tracking_events_at"), "tracking_events")
    op.drop_table("tracking_events")

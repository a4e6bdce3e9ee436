"""Disputes of invoices and lines with their timeline, and deliveries of dispute notices.

Revision ID: 0009_disputes
Revises: 0008_fiscal_documents
Create Date: 2026-12-03 00:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_disputes"
down_revision = "0008_fiscal_documents"
branch_labels = None
depends_on = None
BEFORE = "document IN ('invoice', 'payment_slip', 'payment_receipt', 'cfdi_xml')"
DOCUMENTS = "document IN ('invoice', 'payment_slip', 'payment_receipt', 'cfdi_xml', 'dispute')"


def upgrade() -> None:
    op.create_table(
        "disputes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("doc_entry", sa.Integer(), nullable=False),
        sa.Column("doc_num", sa.Integer(), nullable=False),
        sa.Column("customer_code", sa.String(length=50), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("credit_note", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.CheckConstraint(
            "state IN ('open', 'in_review', 'accepted', 'rejected', 'withdrawn', 'closed')",
            name=op.f("ck_disputes_state"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disputes")),
    )
    op.create_index(op.f("ix_disputes_customer_code"), "disputes", ["customer_code"])
    op.create_index("ix_disputes_doc_entry_state", "disputes", ["doc_entry", "state"])
    op.create_table(
        "dispute_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dispute_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("by", sa.String(length=50), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("shown_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dispute_id"],
            ["disputes.id"],
            name=op.f("fk_dispute_events_dispute_id_disputes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_events")),
    )
    op.create_index(op.f("ix_dispute_events_dispute_id"), "dispute_events", ["dispute_id"])
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_deliveries_document"), type_="check")
        batch_op.create_check_constraint("document", DOCUMENTS)


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_deliveries_document"), type_="check")
        batch_op.create_check_constraint("document", BEFORE)
    op.drop_index(op.f("ix_dispute_events_dispute_id"), "dispute_events")
    op.drop_table("dispute_events")
    op.drop_index("ix_disputes_doc_entry_state", "disputes")
    op.drop_index(op.f("ix_disputes_customer_code"), "disputes")
    op.drop_table("disputes")

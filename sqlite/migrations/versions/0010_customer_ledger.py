"""The customer ledger for statements: credit notes and incoming payments SAP recorded, with the
invoices each credits or pays, and deliveries of statements.

Revision ID: 0010_customer_ledger
Revises: 0009_disputes
Create Date: 2026-12-03 00:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_customer_ledger"
down_revision = "0009_disputes"
branch_labels = None
depends_on = None
BEFORE = "document IN ('invoice', 'payment_slip', 'payment_receipt', 'cfdi_xml', 'dispute')"
DOCUMENTS = (
    "document IN ('invoice', 'payment_slip', 'payment_receipt', 'cfdi_xml', 'dispute', 'statement')"
)


def upgrade() -> None:
    op.create_table(
        "credit_notes",
        sa.Column("doc_entry", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("doc_num", sa.Integer(), nullable=False),
        sa.Column("customer_code", sa.String(length=50), nullable=False),
        sa.Column("posting_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("doc_entry", name=op.f("pk_credit_notes")),
    )
    op.create_index(
        "ix_credit_notes_customer_code_posting_date",
        "credit_notes",
        ["customer_code", "posting_date"],
    )
    op.create_table(
        "credit_note_invoices",
        sa.Column("credit_note_entry", sa.Integer(), nullable=False),
        sa.Column("invoice_doc_entry", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["credit_note_entry"],
            ["credit_notes.doc_entry"],
            name=op.f("fk_credit_note_invoices_credit_note_entry_credit_notes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "credit_note_entry", "invoice_doc_entry", name=op.f("pk_credit_note_invoices")
        ),
    )
    op.create_index(
        op.f("ix_credit_note_invoices_invoice_doc_entry"),
        "credit_note_invoices",
        ["invoice_doc_entry"],
    )
    op.create_table(
        "incoming_payments",
        sa.Column("doc_entry", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("doc_num", sa.Integer(), nullable=False),
        sa.Column("customer_code", sa.String(length=50), nullable=False),
        sa.Column("payment_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("doc_entry", name=op.f("pk_incoming_payments")),
    )
    op.create_index(
        "ix_incoming_payments_customer_code_payment_date",
        "incoming_payments",
        ["customer_code", "payment_date"],
    )
    op.create_index(
        op.f("ix_incoming_payments_payment_date"), "incoming_payments", ["payment_date"]
    )
    op.create_table(
        "payment_allocations",
        sa.Column("payment_entry", sa.Integer(), nullable=False),
        sa.Column("invoice_doc_entry", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("days_waited", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["payment_entry"],
            ["incoming_payments.doc_entry"],
            name=op.f("fk_payment_allocations_payment_entry_incoming_payments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "payment_entry", "invoice_doc_entry", name=op.f("pk_payment_allocations")
        ),
    )
    op.create_index(
        op.f("ix_payment_allocations_invoice_doc_entry"),
        "payment_allocations",
        ["invoice_doc_entry"],
    )
    op.create_table(
        "payment_waits",
        sa.Column("payment_date", sa.Date(), nullable=False),
        sa.Column("days_waited", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("invoices", sa.Integer(), nullable=False),
        sa.Column("payments", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("payment_date", "days_waited", name=op.f("pk_payment_waits")),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_deliveries_document"), type_="check")
        batch_op.create_check_constraint("document", DOCUMENTS)


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_deliveries_document"), type_="check")
        batch_op.create_check_constraint("document", BEFORE)
    op.drop_table("payment_waits")
    op.drop_index(op.f("ix_payment_allocations_invoice_doc_entry"), "payment_allocations")
    op.drop_table("payment_allocations")
    op.drop_index(op.f("ix_incoming_payments_payment_date"), "incoming_payments")
    op.drop_index("ix_incoming_payments_customer_code_payment_date", "incoming_payments")
    op.drop_table("incoming_payments")
    op.drop_index(op.f("ix_credit_note_invoices_invoice_doc_entry"), "credit_note_invoices")
    op.drop_table("credit_note_invoices")
    op.drop_index("ix_credit_notes_customer_code_posting_date", "credit_notes")
    op.drop_table("credit_notes")

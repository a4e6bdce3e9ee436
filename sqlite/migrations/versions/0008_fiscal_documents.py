"""Stamped CFDIs (Mexico): an invoice's folio fiscal and attachment, the XML documents, and
deliveries of payment receipts (by folio fiscal) and of an invoice's XML alone.

Revision ID: 0008_fiscal_documents
Revises: 0007_slip_deliveries
Create Date: 2026-12-02 00:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_fiscal_documents"
down_revision = "0007_slip_deliveries"
branch_labels = None
depends_on = None
DOCUMENTS = "document IN ('invoice', 'payment_slip', 'payment_receipt', 'cfdi_xml')"


def upgrade() -> None:
    # Plain ADD COLUMN, not a batch copy: a store's cache may hold a million invoices.
    op.add_column("invoices", sa.Column("fiscal_uuid", sa.String(length=36), nullable=True))
    op.add_column("invoices", sa.Column("fiscal_attachment", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_invoices_fiscal_uuid"), "invoices", ["fiscal_uuid"])
    op.create_table(
        "fiscal_documents",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("sap_doc_entry", sa.Integer(), nullable=False),
        sa.Column("attachment", sa.Integer(), nullable=True),
        sa.Column("xml", sa.LargeBinary(), nullable=True),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.Column("fetched_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("kind IN ('invoice', 'payment')", name=op.f("ck_fiscal_documents_kind")),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_fiscal_documents")),
    )
    op.create_index(
        "ix_fiscal_documents_kind_sap_doc_entry", "fiscal_documents", ["kind", "sap_doc_entry"]
    )
    op.create_table(
        "fiscal_payment_links",
        sa.Column("payment_uuid", sa.String(length=36), nullable=False),
        sa.Column("invoice_doc_entry", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_uuid"],
            ["fiscal_documents.uuid"],
            name=op.f("fk_fiscal_payment_links_payment_uuid_fiscal_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "payment_uuid", "invoice_doc_entry", name=op.f("pk_fiscal_payment_links")
        ),
    )
    op.create_index(
        op.f("ix_fiscal_payment_links_invoice_doc_entry"),
        "fiscal_payment_links",
        ["invoice_doc_entry"],
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.alter_column(
            "reference", existing_type=sa.String(length=10), type_=sa.String(length=36)
        )
        batch_op.drop_constraint(batch_op.f("ck_deliveries_document"), type_="check")
        batch_op.create_check_constraint("document", DOCUMENTS)


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_deliveries_document"), type_="check")
        batch_op.create_check_constraint("document", "document IN ('invoice', 'payment_slip')")
        batch_op.alter_column(
            "reference", existing_type=sa.String(length=36), type_=sa.String(length=10)
        )
    op.drop_index(op.f("ix_fiscal_payment_links_invoice_doc_entry"), "fiscal_payment_links")
    op.drop_table("fiscal_payment_links")
    op.drop_index("ix_fiscal_documents_kind_sap_doc_entry", "fiscal_documents")
    op.drop_table("fiscal_documents")
    op.drop_index(op.f("ix_invoices_fiscal_uuid"), "invoices")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_column("fiscal_attachment")
        batch_op.drop_column("fiscal_uuid")

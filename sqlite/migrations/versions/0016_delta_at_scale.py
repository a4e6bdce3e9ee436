"""A delta pass that costs the same in any cache: indexes for what every pass reads.

The stamped invoices waiting for their XML get a row each in fiscal_documents (noted by the
next pass, once), under a partial index of the waiting rows; invoices by the day they were issued (what
automatic delivery looks for) and disputes by state.

Revision ID: 0016_delta_at_scale
Revises: 0015_download_windows
Create Date: 2026-12-04 00:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_delta_at_scale"
down_revision = "0015_download_windows"
branch_labels = None
depends_on = None

WAITING_SQL = "xml IS NULL AND problem IS NULL"


def upgrade() -> None:
    op.create_index(
        "ix_fiscal_documents_waiting", "fiscal_documents", ["kind", "sap_doc_entry"],
        sqlite_where=sa.text(WAITING_SQL), postgresql_where=sa.text(WAITING_SQL),
    )  # fmt: skip
    op.create_index("ix_disputes_state_id", "disputes", ["state", "id"])
    op.create_index("ix_invoices_document_date", "invoices", ["document_date"])


def downgrade() -> None:
    op.drop_index("ix_invoices_document_date", "invoices")
    op.drop_index("ix_disputes_state_id", "disputes")
    op.drop_index("ix_fiscal_documents_waiting", "fiscal_documents")

"""Payment slips in the delivery log: which document a delivery carried, and a slip's reference.

Revision ID: 0007_slip_deliveries
Revises: 0006_payment_reference_marks
Create Date: 2026-12-02 00:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_slip_deliveries"
down_revision = "0006_payment_reference_marks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("document", sa.String(length=15), server_default="invoice", nullable=False)
        )
        batch_op.add_column(sa.Column("reference", sa.String(length=10), nullable=True))
        batch_op.create_check_constraint("document", "document IN ('invoice', 'payment_slip')")


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_deliveries_document"), type_="check")
        batch_op.drop_column("reference")
        batch_op.drop_column("document")

"""The highest payment reference sequence of each kiosk number that SAP was seen quoting.

Revision ID: 0006_payment_reference_marks
Revises: 0005_staff_accounts
Create Date: 2026-12-02 00:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006_payment_reference_marks'
down_revision = '0005_staff_accounts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('payment_reference_marks',
    sa.Column('kiosk_number', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('highest_sequence', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('kiosk_number', name=op.f('pk_payment_reference_marks'))
    )


def downgrade() -> None:
    op.drop_table('payment_reference_marks')

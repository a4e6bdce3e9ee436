"""Payment requests and the invoices each one covers.

Revision ID: 0003_payment_requests
Revises: 0002_sync_state
Create Date: 2026-11-28 00:18:11.381650
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003_payment_requests'
down_revision = '0002_sync_state'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('payment_requests',
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('customer_code', sa.String(length=50), nullable=False),
    sa.Column('customer_name', sa.String(length=200), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('settled_by_payment', sa.Integer(), nullable=True),
    sa.CheckConstraint("state IN ('open', 'settled')", name=op.f('ck_payment_requests_state')),
    sa.PrimaryKeyConstraint('reference', name=op.f('pk_payment_requests')),
    sa.UniqueConstraint('number', name=op.f('uq_payment_requests_number'))
    )
    with op.batch_alter_table('payment_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_requests_customer_code'), ['customer_code'], unique=False)

    op.create_table('payment_request_invoices',
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('doc_entry', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('doc_num', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['reference'], ['payment_requests.reference'], name=op.f('fk_payment_request_invoices_reference_payment_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('reference', 'doc_entry', name=op.f('pk_payment_request_invoices'))
    )


def downgrade() -> None:
    op.drop_table('payment_request_invoices')
    with op.batch_alter_table('payment_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_requests_customer_code'))

    op.drop_table('payment_requests')
